"""The main window: the reviewer's case list (the review form arrives with its own issue)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMainWindow,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.gui.case_table_model import SORT_ROLE, CaseRow, CaseTableModel

SYNTHETIC_MARK = "SYNTHETIC DATA"


class MainWindow(QMainWindow):
    def __init__(
        self,
        rows: Sequence[CaseRow],
        *,
        workspace_label: str,
        synthetic: bool = False,
        demo_passphrase: str | None = None,
    ) -> None:
        super().__init__()
        title = f"Case review – {workspace_label}"
        if synthetic:
            title = f"{title} – {SYNTHETIC_MARK}"
        self.setWindowTitle(title)
        self.resize(1093, 614)

        central = QWidget(self)
        layout = QVBoxLayout(central)
        if synthetic:
            banner_text = f"{SYNTHETIC_MARK}: invented patients for practice only."
            if demo_passphrase:
                banner_text += f"  Demo workspace passphrase: {demo_passphrase}"
            self.banner = QLabel(banner_text, central)
            self.banner.setObjectName("bannerSynthetic")
            self.banner.setAccessibleName("Synthetic data notice")
            self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(self.banner)

        heading = QLabel(f"Your cases ({len(rows)})", central)
        heading.setObjectName("pageTitle")
        layout.addWidget(heading)

        self.case_model = CaseTableModel(rows, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.case_model)
        self.proxy.setSortRole(SORT_ROLE)

        self.table = QTableView(central)
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Case list")
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout.addWidget(self.table)
        self.setCentralWidget(central)
        self.statusBar().showMessage("Ready")
        if rows:
            self.table.selectRow(0)
        self.table.setFocus()
