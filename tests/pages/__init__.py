"""AppTest tests of the page scripts, one run per page as a person opens it."""
