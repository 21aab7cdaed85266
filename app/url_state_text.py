"""English / 中文 for shareable links (app/url_state.py): the Share popovers and the notes on a link's ignored
values, {key: (english, chinese)}."""
TEXT = {
    "share": ("Share these settings", "分享这些设置"),
    "share_help": ("A link that opens this page with the same settings: hand it to your class.",
                   "一个链接，打开后就是这个页面和同样的设置：可以发给全班。"),
    "share_train": ("Anyone who opens this link gets this preset and these settings (the form below), ready to "
                    "press Start. It does not contain your run or its results.",
                    "打开这个链接的人会得到同样的预设和设置（下面的表单），直接按“开始训练”即可。"
                    "链接里不包含你的训练过程和结果。"),
    "share_sample": ("Anyone who opens this link sees this checkpoint, tab, seed and view. It works for demo "
                     "and saved checkpoints on this server, not for an uploaded file.",
                     "打开这个链接的人会看到同样的检查点、标签页、种子和视图。只适用于本服务器上的演示或已保存的检查点，"
                     "不适用于上传的文件。"),
    "share_left_out": ("Not in the link, because they exist only on this server or in this browser: {fields}.",
                       "以下设置只存在于这台服务器或这个浏览器中，因此不在链接里：{fields}。"),
    "share_copy": ("Copy it with the button at the right of the box.", "用框右侧的按钮复制。"),
    "share_upload": ("An uploaded checkpoint cannot be shared by link: save it in the runs folder or share the file.",
                     "上传的检查点无法通过链接分享：请把它放进 runs 文件夹，或直接分享文件。"),
    # one sentence per ignored parameter; {name} and {value} are already escaped for Markdown
    "note_not_integer": ("The link's {name} = {value} was ignored: it is not a whole number.",
                         "链接中的 {name} = {value} 已忽略：它不是整数。"),
    "note_not_number": ("The link's {name} = {value} was ignored: it is not a number.",
                        "链接中的 {name} = {value} 已忽略：它不是数字。"),
    "note_not_bool": ("The link's {name} = {value} was ignored: use 1 or 0.",
                      "链接中的 {name} = {value} 已忽略：请用 1 或 0。"),
    "note_out_of_range": ("The link's {name} = {value} was ignored: it must be between {low} and {high}.",
                          "链接中的 {name} = {value} 已忽略：它必须在 {low} 到 {high} 之间。"),
    "note_not_choice": ("The link's {name} = {value} was ignored: choose one of {choices}.",
                        "链接中的 {name} = {value} 已忽略：请从 {choices} 中选择。"),
    "note_unknown_preset": ("The link's preset {value} does not exist, so the default preset was used.",
                            "链接中的预设 {value} 不存在，已改用默认预设。"),
    "note_folder_refused": ("The link's dataset {value} was refused: a link cannot make the server read one of "
                            "its folders.", "链接中的数据集 {value} 已拒绝：链接不能让服务器读取它的文件夹。"),
    "note_not_shareable": ("The link's {name} was ignored: a folder on the server cannot be set from a link.",
                           "链接中的 {name} 已忽略：服务器上的文件夹不能通过链接设置。"),
    "note_not_used": ("The link's {name} = {value} was ignored: this model does not use it.",
                      "链接中的 {name} = {value} 已忽略：这个模型用不到它。"),
    "note_unknown_name": ("The link's {name} was ignored: this page has no such setting.",
                          "链接中的 {name} 已忽略：这个页面没有这项设置。"),
    "note_unknown_checkpoint": ("The link's checkpoint {value} is not on this server, so another one is shown.",
                                "链接中的检查点 {value} 不在这台服务器上，已改为显示其他检查点。"),
    "note_adjusted": ("The link's {name} = {value} does not fit this model, so the page shows {shown}.",
                      "链接中的 {name} = {value} 不适用于这个模型，因此页面显示 {shown}。"),
    "note_repeated": ("The link gives {name} {count} times; the last one, {value}, is used.",
                      "链接中 {name} 出现了 {count} 次；使用最后一个值 {value}。"),
    "note_unknown_tab": ("The link's tab {value} does not exist for this model, so the first tab is shown.",
                         "链接中的标签页 {value} 对这个模型不存在，已显示第一个标签页。"),
}
