"""The study's shared folder: what files are called there, what is waiting, writing into it."""
