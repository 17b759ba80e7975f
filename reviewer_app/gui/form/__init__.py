"""The review form, generated from the review definition (see ``review_page.ReviewPage``)."""

from reviewer_app.gui.form.review_page import ReviewPage

__all__ = ["ReviewPage"]
