"""The accountant's report: what exceptions.xlsx and plan.xlsx hold and how they look.

tables: the table sheets' columns; summary: the Summary sheet; sheets: the look (colours
per severity and alert, header, page) and a table sheet; workbook: writes the files.
Everything is written by batch.xlsx, which knows nothing of what the tables mean.
"""
