"""The reviewer's own dictionary in the workspace: kept, listed, removed; bad rows refused."""

from __future__ import annotations

import pytest

from reviewer_app.storage.database import Database
from reviewer_app.storage.keys import DatabaseKey
from reviewer_app.storage.migrations import migrate
from reviewer_app.storage.workspace.schema import MIGRATIONS
from reviewer_app.storage.workspace.schema_user_dictionary import migrate_to_v7
from reviewer_app.storage.workspace.user_dictionary import MAX_WORD_CHARS, UserDictionaryStore


def test_words_are_kept_once_listed_for_people_and_removed(workspace_db: Database) -> None:
    store = UserDictionaryStore(workspace_db)
    assert store.words() == []
    assert store.add("Tazocin") is True
    assert store.add("bloods") is True
    assert store.add("Bloods") is True  # case matters, as in the dictionary
    assert store.add("Tazocin") is False  # already kept: nothing changes
    assert store.words() == ["Bloods", "bloods", "Tazocin"]
    assert store.remove("Bloods") is True
    assert store.remove("Bloods") is False
    assert store.words() == ["bloods", "Tazocin"]


@pytest.mark.parametrize("word", ["", "x" * (MAX_WORD_CHARS + 1)])
def test_the_schema_refuses_an_empty_or_overlong_word(workspace_db: Database, word: str) -> None:
    store = UserDictionaryStore(workspace_db)
    store.add("kept")
    with pytest.raises(Exception, match="CHECK constraint"):
        store.add(word)
    assert store.words() == ["kept"]  # the refused write changed nothing


def test_a_workspace_from_before_the_dictionary_gains_it_and_keeps_its_rows(
    db: Database, key: DatabaseKey
) -> None:
    step = MIGRATIONS.index(migrate_to_v7)
    migrate(db, key, migrations=MIGRATIONS[:step])
    assert "user_dictionary" not in db.su.table_names()
    with db.transaction():
        db.execute("INSERT INTO meta (key, value) VALUES ('marker', 'before')")
    assert migrate(db, key).backup is not None  # migrated as every step is: backed up first
    assert db.query_one("SELECT value FROM meta WHERE key = 'marker'") == ("before",)
    assert UserDictionaryStore(db).add("furosemide") is True
