"""Pure rules of the domain: fiscal quarters, who is acting, how figures aggregate, the reporting calendar
(due, outstanding, overdue), filters and their URL form, navigation by role and strategy search.

No database, no Streamlit, no files: plain functions over values and DataFrames, tested against
hand-computed numbers.
"""
