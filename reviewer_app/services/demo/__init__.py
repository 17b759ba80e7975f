"""The demo workspace, and the invented cases, people and answers it uses."""
