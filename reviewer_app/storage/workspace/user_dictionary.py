"""The reviewer's own spelling dictionary in the workspace (table of schema step v7).

Stores never decide policy: which strings are words is the spelling service's rule
(services/spelling/words.py); this store keeps what it is given, each write in a transaction.
"""

from __future__ import annotations

from reviewer_app.storage.clock import iso_utc
from reviewer_app.storage.repository import Repository
from reviewer_app.storage.workspace.schema_user_dictionary import MAX_WORD_CHARS

__all__ = ["MAX_WORD_CHARS", "UserDictionaryStore"]


class UserDictionaryStore(Repository):
    def words(self) -> list[str]:
        """Every word kept, in a stable order for people (case-insensitive, then as spelt)."""
        rows = self._db.query_all("SELECT word FROM user_dictionary")
        return sorted((str(row[0]) for row in rows), key=lambda word: (word.casefold(), word))

    def add(self, word: str) -> bool:
        """Keep ``word``; False if it was already kept (nothing changes then)."""
        with self._db.transaction():
            cursor = self._db.execute(
                "INSERT INTO user_dictionary (word, added_at) VALUES (?, ?) "
                "ON CONFLICT (word) DO NOTHING",
                (word, iso_utc(self._clock())),
            )
            return int(cursor.rowcount) == 1

    def remove(self, word: str) -> bool:
        """Forget ``word``; False if it was not kept."""
        with self._db.transaction():
            cursor = self._db.execute("DELETE FROM user_dictionary WHERE word = ?", (word,))
            return int(cursor.rowcount) == 1
