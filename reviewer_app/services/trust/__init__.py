"""Trust: the study authority, CMS, the reviewer's keys and enrolment request."""
