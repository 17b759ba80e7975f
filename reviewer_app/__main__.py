from reviewer_app.cli import main

raise SystemExit(main())
