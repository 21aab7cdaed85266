"""English / 中文 for the Sample & Blend page: every label, caption and explanation, {key: (english, chinese)}."""

TEXT = {
    # header
    "title": ("Sample & Blend", "采样与混合"),
    "intro": ("Pick a trained model and explore its latent space: every picture below is the generator applied to a "
              "vector z. The same seed always names the same z, so you can come back to any sample.",
              "选一个训练好的模型，探索它的潜在空间：下面每张图都是生成器作用在一个向量 z 上的结果。"
              "同一个种子永远对应同一个 z，所以任何样本都可以找回来。"),
    "learn_title": (":material/menu_book: What is latent space? Why slerp?", ":material/menu_book: 什么是潜在空间？为什么用 slerp？"),
    "learn_body": (
        "**Latent space.** A GAN's generator (or a VAE's decoder) turns a short random vector *z* — here "
        "{dim} numbers drawn from a standard normal distribution — into a sample. Training arranges this space so "
        "that nearby vectors give similar outputs; directions in it often mean something (thickness, slant, class).\n\n"
        "**Interpolation.** Walking from *z₁* to *z₂* in small steps and decoding each step shows whether the "
        "model learned a smooth space: a good model morphs one sample into the other without jumps or garbage.\n\n"
        "**Why slerp?** In many dimensions a Gaussian vector almost always has length close to √d (≈ {radius:.1f} "
        "here): the samples live near a sphere, and the middle is empty. A straight line (*lerp*) between two "
        "samples cuts through that low-norm middle, where the generator saw few training latents, so mid-way "
        "pictures can look faded or generic. *Slerp* follows the great circle and keeps the length, staying "
        "where the training latents were. The norm chart on the Interpolate tab shows the dip.\n\n"
        "**A collapsed GAN.** When a generator has collapsed, it maps almost all of latent space onto a few "
        "outputs. Then every seed, every blend and every step of a walk lands on the same few pictures: moving "
        "in z changes nothing you can see. Try the Blend tab with *digits-gan-collapse* next to *digits-gan*.",
        "**潜在空间。** GAN 的生成器（或 VAE 的解码器）把一个短的随机向量 *z*（这里是从标准正态分布抽取的 "
        "{dim} 个数）变成一个样本。训练会把这个空间组织起来：相近的向量给出相似的输出，某些方向往往有含义"
        "（笔画粗细、倾斜、类别）。\n\n"
        "**插值。** 从 *z₁* 一小步一小步走到 *z₂*，并解码每一步，可以看出模型是否学到了平滑的空间："
        "好的模型会把一个样本逐渐变成另一个，没有跳变或乱码。\n\n"
        "**为什么用 slerp？** 在高维空间里，高斯向量的长度几乎总是接近 √d（这里约 {radius:.1f}）："
        "样本分布在一个球壳附近，中间是空的。两点之间的直线（*lerp*）会穿过这个范数很小的中间区域，"
        "生成器在训练时很少见到那里的向量，所以中间的图像可能变淡或变得平庸。*Slerp* 沿着大圆走，"
        "保持长度，始终待在训练时的向量所在的地方。插值页里的范数图能看到这个下凹。\n\n"
        "**模式崩溃的 GAN。** 生成器崩溃后，几乎整个潜在空间都被映射到少数几个输出上。于是每个种子、"
        "每个混合、插值的每一步都落在同样几张图上：在 z 里移动，看不到任何变化。可以在“混合”页里把 "
        "*digits-gan-collapse* 和 *digits-gan* 对比一下。"),
    "checkpoint": ("Checkpoint", "检查点"),
    "checkpoint_help": ("Demo checkpoints ship with the app; saved runs come from the Train page; or upload a .pt file.",
                        "演示检查点随应用提供；保存的训练来自“训练”页；也可以上传 .pt 文件。"),
    "upload_option": ("Upload a .pt file…", "上传 .pt 文件…"),
    "demo": ("demo", "演示"),
    "saved": ("saved", "已保存"),
    "upload": ("Upload a Latent Lab checkpoint (.pt)", "上传 Latent Lab 检查点（.pt）"),
    "upload_help": ("At most {mb} MB. Only plain weights are loaded; files that contain code are refused.",
                    "最大 {mb} MB。只加载纯权重；包含代码的文件会被拒绝。"),
    "upload_wait": ("Choose a .pt file to explore it.", "选择一个 .pt 文件来探索它。"),
    "no_checkpoints": ("No checkpoints yet: train one on the Train page, or upload a .pt file.",
                       "还没有检查点：去“训练”页训练一个，或上传一个 .pt 文件。"),
    "loading": ("Loading the model…", "正在加载模型…"),
    "facts": ("**{name}** · data **{dataset}**{size} · model **{model}** ({arch}){loss} · latent z: **{dim}** numbers · "
              "**{steps:,}** steps trained ({seconds})",
              "**{name}** · 数据 **{dataset}**{size} · 模型 **{model}**（{arch}）{loss} · 潜在向量 z：**{dim}** 维 · "
              "已训练 **{steps:,}** 步（{seconds}）"),
    "facts_no_latent": ("**{name}** · data **{dataset}**{size} · model **{model}** ({arch}){loss} · "
                        "**{steps:,}** steps trained ({seconds})",
                        "**{name}** · 数据 **{dataset}**{size} · 模型 **{model}**（{arch}）{loss} · "
                        "已训练 **{steps:,}** 步（{seconds}）"),
    "facts_loss": (" · loss **{loss}**", " · 损失 **{loss}**"),
    "seconds": ("{value:.0f}\u00a0s", "{value:.0f} 秒"),  # (no break inside "86 s")
    "class": ("Class to draw", "要生成的类别"),
    "class_help": ("A conditional model is told which class to draw; the other tabs use this class.",
                   "条件模型会被告知要画哪个类别；其他标签页使用这个类别。"),
    # tabs
    "tab_samples": (":material/grid_view: Samples", ":material/grid_view: 采样"),
    "tab_interpolate": (":material/swap_horiz: Interpolate", ":material/swap_horiz: 插值"),
    "tab_blend": (":material/gradient: Four-corner blend", ":material/gradient: 四角混合"),
    "tab_arithmetic": (":material/calculate: Arithmetic", ":material/calculate: 向量运算"),
    "tab_edit": (":material/tune: Edit & directions", ":material/tune: 编辑与方向"),
    "tab_real": (":material/image: Encode real images", ":material/image: 编码真实图像"),
    "tab_real_points": (":material/scatter_plot: Encode real data", ":material/scatter_plot: 编码真实数据"),
    "tab_family": (":material/auto_awesome: This model", ":material/auto_awesome: 模型专属"),
    # samples
    "seed": ("Seed", "种子"),
    "seed_help": ("The same seed always gives the same latents, here and in `python -m gan_core sample`.",
                  "同一个种子总是给出同样的潜在向量，在这里和 `python -m gan_core sample` 中都一样。"),
    "new_seed": ("New seed", "换个种子"),
    "side": ("Grid size (samples per side)", "网格大小（每边样本数）"),
    "per_class": ("Samples per class", "每个类别的样本数"),
    "n_points": ("Number of samples", "样本数"),
    "psi": ("Truncation ψ", "截断 ψ"),
    "psi_help": ("ψ < 1 pulls every latent toward the centre (z → ψ·z): more typical, cleaner samples, less variety.",
                 "ψ < 1 把每个潜在向量拉向中心（z → ψ·z）：样本更典型、更干净，但多样性更少。"),
    "psi_help_vae": ("ψ < 1 pulls every latent toward the centre of the prior (z → ψ·z), where the decoder saw the "
                     "most codes: more typical, smoother samples, less variety; ψ = 0 draws the decoder's picture of "
                     "z = 0.",
                     "ψ < 1 把每个潜在向量拉向先验分布的中心（z → ψ·z），那里是解码器见过最多编码的地方：样本更典型、"
                     "更平滑，但多样性更少；ψ = 0 画出的是解码器对 z = 0 的图像。"),
    "psi_help_w": ("ψ < 1 pulls every style w toward the average w this model tracked while training "
                   "(w → w̄ + ψ·(w − w̄)): more typical, cleaner samples, less variety. StyleGAN truncates in w, not "
                   "in z: its mapping network first scales every z to the same length, so shrinking z would change "
                   "nothing.",
                   "ψ < 1 把每个风格向量 w 拉向模型在训练中记录的平均 w（w → w̄ + ψ·(w − w̄)）：样本更典型、更干净，"
                   "但多样性更少。StyleGAN 在 w 空间而不是 z 空间截断：映射网络会先把每个 z 缩放到同样的长度，"
                   "所以缩小 z 不会带来任何变化。"),
    "psi_none_progan": ("No truncation ψ here: a progressive GAN first scales every z to the same length (pixel "
                        "norm), so shrinking z changes nothing, and it keeps no average latent to pull toward.",
                        "这里没有截断 ψ：渐进式 GAN 会先把每个 z 缩放到同样的长度（像素归一化），所以缩小 z 不会带来"
                        "任何变化，而且它没有记录可以拉向的平均潜在向量。"),
    "psi_none_translation": ("No truncation ψ here: a translation model's z only picks which held-out picture to "
                             "translate, so there is no average to pull toward.",
                             "这里没有截断 ψ：翻译模型的 z 只是挑选要翻译的留出图像，没有可以拉向的平均值。"),
    "psi_none": ("No truncation ψ here: this model has no average latent to pull toward.",
                 "这里没有截断 ψ：这个模型没有可以拉向的平均潜在向量。"),
    "class_rows": ("One row per class", "每个类别一行"),
    "class_rows_help": ("Each column keeps the same z and each row asks for another class: what stays the same "
                        "down a column is what z controls.",
                        "每一列使用同一个 z，每一行要求不同的类别：同一列中保持不变的就是 z 控制的东西。"),
    "grid_caption": ("Samples 0 to {last}, numbered left to right, top to bottom (seed {seed}).",
                     "样本 0 到 {last}，从左到右、从上到下编号（种子 {seed}）。"),
    "rows_caption": ("Row = class ({first} at the top), column = one latent z (seed {seed}).",
                     "行 = 类别（最上面是 {first}），列 = 同一个潜在向量 z（种子 {seed}）。"),
    "download_png": ("PNG", "PNG"),
    "download_npy_latents": ("latents .npy", "潜在向量 .npy"),
    "download_npy_samples": ("samples .npy", "样本 .npy"),
    "download_gif": ("GIF", "GIF"),
    "cli_hint": ("Same grid from the command line: `{command}`", "命令行得到同样的网格：`{command}`"),
    "points_caption": ("Grey: real data. Orange: {n} generated samples. Blue and green lines: a flat grid in latent "
                       "space, bent by the generator into data space.",
                       "灰色：真实数据。橙色：{n} 个生成样本。蓝线和绿线：潜在空间中的平直网格，被生成器弯折到数据空间里。"),
    "extent": ("Latent grid range ±", "潜在网格范围 ±"),
    "extent_help": ("How far from the centre the grid reaches, in standard deviations of z.",
                    "网格离中心多远，以 z 的标准差为单位。"),
    "latent_plane": ("Latent space (z[0], z[1])", "潜在空间（z[0], z[1]）"),
    "data_space": ("Data space: G(z)", "数据空间：G(z)"),
    "other_dims_zero": ("The grid lies in the plane of z[0] and z[1]; the other {n} coordinates are 0.",
                        "网格位于 z[0] 与 z[1] 张成的平面内；其余 {n} 个坐标为 0。"),
    "other_dims_zero_one": ("The grid lies in the plane of z[0] and z[1]; the other coordinate, z[2], is 0.",
                            "网格位于 z[0] 与 z[1] 张成的平面内；另一个坐标 z[2] 为 0。"),
    "mixture_lines": ("This generator's latent is a mixture of {k} Gaussians: z[0] picks one of them (its quantile, "
                      "cut into {k} slices, equal or sized by the weights G learned) and lands the point on that "
                      "component's island. So a green line "
                      "(z[1] = const, running along z[0]) jumps from mode to mode as it crosses slices, on purpose: "
                      "no samples have to bridge two modes. A blue line (z[0] = const) stays on one island, so in "
                      "data space it shrinks to a short stroke inside one mode, hidden under the samples.",
                      "这个生成器的潜变量是 {k} 个高斯的混合：z[0] 选出其中一个（按它的分位数切成 {k} 份，等分或按生成器学到的权重划分），"
                      "再把点放到那个分量的小岛上。所以绿线（z[1] = 常数，沿 z[0] 方向）每跨过一份就从一个模式跳到另一个模式，这是有意的："
                      "不需要有样本架在两个模式之间。蓝线（z[0] = 常数）停在同一个小岛上，所以在数据空间里缩成某个模式内的一小段，"
                      "被样本盖住。"),
    "real_data": ("real data", "真实数据"),
    "generated": ("generated", "生成"),
    "grid_lines_x": ("z[0] = const", "z[0] = 常数"),
    "grid_lines_y": ("z[1] = const", "z[1] = 常数"),
    "latents": ("latents z", "潜在向量 z"),
    # interpolate
    "interp_caption": ("Walk from sample A to sample B. Top: straight line (lerp). Bottom: great circle (slerp).",
                       "从样本 A 走到样本 B。上：直线（lerp）。下：大圆（slerp）。"),
    "interp_caption_points": ("Walk from sample A to sample B, along a straight line in z (lerp) and along a great "
                              "circle (slerp), and see where each path lands in data space.",
                              "从样本 A 走到样本 B：在 z 中沿直线（lerp）和沿大圆（slerp），看每条路径落在数据空间的哪里。"),
    "pick_by": ("Pick the samples by", "选择样本的方式"),
    "pick_one_by": ("Pick the sample by", "选择样本的方式"),
    "pick_grid": ("number in the grid", "网格中的编号"),
    "pick_seed": ("seed", "种子"),
    "sample_a": ("Sample A", "样本 A"),
    "sample_b": ("Sample B", "样本 B"),
    "grid_number_help": ("The number of a sample in the Samples tab's grid (0 = top left).",
                         "“采样”页网格中的样本编号（0 = 左上角）。"),
    # a 2-D model's Samples tab draws a cloud of points, not a grid
    "pick_number": ("sample number", "样本编号"),
    "number_help_points": ("The n-th of the points the Samples tab draws with its seed (0 = the first): the same "
                           "number and seed always give the same point.",
                           "“采样”页用其种子画出的第 n 个点（0 = 第一个）：同样的编号和种子总是得到同一个点。"),
    "steps": ("Steps", "步数"),
    "lerp": ("lerp (straight line)", "lerp（直线）"),
    "slerp": ("slerp (great circle)", "slerp（大圆）"),
    "gif_mode": ("Animate", "动画"),
    "norm_title": ("Length of z along the walk", "沿路径的 z 的长度"),
    "norm_axis": ("|z|", "|z|"),
    "step_axis": ("step", "步"),
    "typical_norm": ("typical |z| ≈ √{dim}", "典型 |z| ≈ √{dim}"),
    "norm_caption": ("Random latents have length close to √{dim} ≈ {radius:.1f}. Lerp dips toward the empty centre "
                     "mid-way; slerp keeps the length.",
                     "随机潜在向量的长度接近 √{dim} ≈ {radius:.1f}。lerp 在中途向空荡的中心下凹；slerp 保持长度不变。"),
    # fewer than 16 numbers in z: no typical length, and the dip depends on the angle between A and B
    "norm_caption_few_dip": ("With only {dim} numbers in z, random latents have no typical length (these two: {a:.1f} "
                             "and {b:.1f}), and how far lerp dips depends on the angle between them. These two are "
                             "{angle:.0f}° apart, so lerp's length falls to {low:.1f} on the way while slerp's goes "
                             "evenly from one length to the other. In many dimensions any two random latents are "
                             "close to 90° apart, and lerp always dips, by about 30%.",
                             "z 只有 {dim} 个数时，随机潜在向量没有典型长度（这两个是 {a:.1f} 和 {b:.1f}），lerp "
                             "下凹多少取决于它们之间的夹角。这两个相差 {angle:.0f}°，所以 lerp 的长度在途中降到 "
                             "{low:.1f}，而 slerp 的长度从一端均匀地变到另一端。在很多维度里，任意两个随机潜在向量都"
                             "接近相差 90°，lerp 总会下凹，约 30%。"),
    "norm_caption_few_close": ("With only {dim} numbers in z, random latents have no typical length (these two: "
                               "{a:.1f} and {b:.1f}), and how far lerp dips depends on the angle between them. These "
                               "two are only {angle:.0f}° apart, so lerp and slerp stay close. In many dimensions any "
                               "two random latents are close to 90° apart, and lerp always dips, by about 30%.",
                               "z 只有 {dim} 个数时，随机潜在向量没有典型长度（这两个是 {a:.1f} 和 {b:.1f}），lerp "
                               "下凹多少取决于它们之间的夹角。这两个只相差 {angle:.0f}°，所以 lerp 和 slerp 相差不大。"
                               "在很多维度里，任意两个随机潜在向量都接近相差 90°，lerp 总会下凹，约 30%。"),
    "gif_caption": ("The {mode} walk, there and back.", "{mode} 路径，来回播放。"),
    "points_walk_caption": ("Both walks drawn in data space: each dot is G(z) for one step.",
                            "两条路径画在数据空间里：每个点是某一步的 G(z)。"),
    # blend
    "blend_caption": ("Four seeds sit in the corners; every other tile decodes a bilinear mix of their latents.",
                      "四个种子放在四个角上；其余每一格解码的是它们潜在向量的双线性混合。"),
    # a 2-D model's blend is a mesh of points, not tiles
    "blend_caption_points": ("Four seeds sit in the corners (the black numbers are their seeds); every other point "
                             "of the mesh is G of a bilinear mix of their latents.",
                             "四个种子放在四个角上（黑色数字是它们的种子）；网格上其余每个点是它们潜在向量的双线性混合经过 G "
                             "的结果。"),
    "blend_size_points": ("Mesh points per side", "每边网格点数"),
    "collapse_note_points": ("If the whole mesh shrinks onto one or two spots even though the corners are different "
                             "seeds, the generator has collapsed: it sends most of latent space to the same few "
                             "outputs, so any mix of latents lands there too.",
                             "如果四个角用的是不同的种子，整个网格却缩到一两个点上，说明生成器已经崩溃：它把大部分潜在空间"
                             "都送到同样几个输出上，所以任何潜在向量的混合也都落在那里。"),
    # the caption above says they are seeds; "Bottom-right seed" wrapped and sat lower than its neighbour at 1280 px
    "top_left": ("Top left", "左上"),
    "top_right": ("Top right", "右上"),
    "bottom_left": ("Bottom left", "左下"),
    "bottom_right": ("Bottom right", "右下"),
    "blend_size": ("Tiles per side", "每边格数"),
    "collapse_note": ("If every tile looks alike even though the corners are different seeds, the generator has "
                      "collapsed: it sends most of latent space to the same few outputs, so any mix of latents "
                      "lands on the same picture.",
                      "如果四个角用的是不同的种子，但每一格看起来都差不多，说明生成器已经崩溃：它把大部分潜在空间"
                      "都送到同样几个输出上，所以任何潜在向量的混合都落在同一张图上。"),
    "blend_points_caption": ("The blended latents mapped through G: the mesh shows how the square between the four "
                             "corners is bent in data space.",
                             "混合后的潜在向量经过 G 映射：网格显示四个角之间的正方形在数据空间中如何弯曲。"),
    # arithmetic
    "arith_caption": ("Latent arithmetic a − b + c: take what separates a from b and add it to c, like "
                      "king − man + woman ≈ queen with word vectors.",
                      "潜在向量运算 a − b + c：把 a 与 b 之间的差加到 c 上，就像词向量中的 国王 − 男人 + 女人 ≈ 女王。"),
    "term_a": ("a", "a"),
    "term_b": ("b", "b"),
    "term_c": ("c", "c"),
    "result": ("a − b + c", "a − b + c"),
    "source": ("{term} is", "{term} 取自"),
    "src_seed": ("a seed", "一个种子"),
    "src_grid": ("a sample of the grid", "网格中的一个样本"),
    "src_number": ("a sample by number", "按编号的一个样本"),  # a 2-D model: its Samples tab has no grid
    "src_class": ("the mean of a class", "某个类别的平均"),
    "class_mean_of": ("Class", "类别"),
    "mean_of": ("mean of {name}", "{name} 的平均"),
    "class_mean_vae": ("Class means: the encoder's mean code of every real image of that class.",
                       "类别平均：该类别所有真实图像经编码器得到的平均编码。"),
    "class_mean_gan": ("Class means: the average z of 2,000 samples that the project's classifier puts in that "
                       "class. An average of many latents lies near the centre (it is much shorter than √d), so its "
                       "own picture often looks faint or generic; the difference of two means still carries the class.",
                       "类别平均：项目自带的分类器判为该类别的 2000 个样本的 z 的平均值。许多潜在向量的平均靠近中心"
                       "（比 √d 短得多），所以它本身的图像常常显得暗淡或平庸；但两个平均之差仍然带着类别信息。"),
    "class_missing": ("The generator made no '{name}' among 2,000 samples (a missing mode), so that class has no "
                      "mean; seed 0 is used instead.",
                      "生成器在 2000 个样本中一个“{name}”也没有生成（缺失的模式），所以这个类别没有平均值；改用种子 0。"),
    "computing_means": ("Finding class means: drawing samples and sorting them by class…",
                        "正在计算类别平均：生成样本并按类别分组…"),
    "means_button": ("Find the class means", "计算类别平均"),
    "means_wait": ("A class mean is the average latent of one class. Finding them draws 2,000 samples (a few "
                   "seconds); press the button, or pick a seed or a grid sample for each term instead.",
                   "类别平均是某一类别的平均潜在向量。计算它们需要生成 2000 个样本（几秒钟）；请按下按钮，"
                   "或者给每一项改选一个种子或网格中的样本。"),
    "means_wait_ddpm": ("A class mean is the average latent of one class. Finding them draws 2,000 samples, each "
                        "with {steps} denoising steps (up to half a minute); press the button, or pick a seed or a "
                        "grid sample for each term instead.",
                        "类别平均是某一类别的平均潜在向量。计算它们需要生成 2000 个样本，每个都要去噪 {steps} 步"
                        "（最多半分钟）；请按下按钮，或者给每一项改选一个种子或网格中的样本。"),
    "conditional_no_means": ("This model is told its class directly, so class means are not needed: change the "
                             "class above.",
                             "这个模型直接被告知类别，不需要类别平均：在上方更改类别即可。"),
    "points_arith_caption": ("a, b, c and a − b + c mapped through G.", "a、b、c 和 a − b + c 经过 G 的映射。"),
    # edit
    "edit_caption": ("Nudge one sample's latent and watch the output change.", "微调一个样本的潜在向量，观察输出的变化。"),
    "edit_sample": ("Sample to edit", "要编辑的样本"),
    "original": ("original", "原样本"),
    "edited": ("edited", "编辑后"),
    "dims_title": ("Per-dimension sliders", "逐维滑块"),
    "dims": ("Dimensions to nudge", "要微调的维度"),
    "dim_slider": ("z[{i}] + …", "z[{i}] + …"),
    "sweep_dim": ("Sweep one dimension", "扫描一个维度"),
    "sweep_caption": ("z[{i}] set to {low:+.0f} … {high:+.0f}, everything else kept.",
                      "z[{i}] 取 {low:+.0f} … {high:+.0f}，其余保持不变。"),
    "dims_note": ("Single coordinates of z rarely mean anything on their own: the network mixes them all.",
                  "z 的单个坐标通常没有独立的含义：网络会把它们全部混在一起。"),
    "directions_title": ("Directions that matter", "重要的方向"),
    "directions_caption": ("PCA of 1,000 generated samples finds the ways the outputs vary most; each is traced back to "
                           "a direction in z (the GANSpace idea). Rows: moving along each direction from −3 to +3.",
                           "对 1000 个生成样本做 PCA，找出输出变化最大的几种方式，再把每一种追溯回 z 中的一个方向"
                           "（GANSpace 的思路）。每一行：沿一个方向从 −3 移到 +3。"),
    "directions_caption_points": ("PCA of 1,000 generated points finds the ways the outputs vary most; each is traced "
                                  "back to a direction in z (the GANSpace idea). Green: moving along each direction "
                                  "from −3 to +3.",
                                  "对 1000 个生成点做 PCA，找出输出变化最大的几种方式，再把每一种追溯回 z 中的一个方向"
                                  "（GANSpace 的思路）。绿线：沿各个方向从 −3 移到 +3。"),
    "direction": ("Direction {k} · {pct:.0f}% of output variance", "方向 {k} · 输出方差的 {pct:.0f}%"),
    "variance_title": ("Output variance explained", "解释的输出方差"),
    "variance_axis": ("share of variance", "方差占比"),
    "direction_axis": ("direction", "方向"),
    "reset": ("Reset sliders", "重置滑块"),
    "computing_directions": ("Finding the main directions…", "正在寻找主要方向…"),
    "directions_button": ("Find the directions", "寻找方向"),  # "Find the main directio…" at 1280 px
    "directions_wait": ("The directions that matter come from a PCA of {n:,} generated samples (up to several "
                        "seconds); press the button to find them. The per-dimension sliders work without them.",
                        "重要的方向来自对 {n} 个生成样本做 PCA（最多几秒钟）；按下按钮即可找出它们。"
                        "逐维滑块不需要它们也能用。"),
    "directions_wait_ddpm": ("The directions that matter come from a PCA of {n:,} generated samples, each with {steps} "
                             "denoising steps (up to a minute); press the button to find them. The per-dimension "
                             "sliders work without them.",
                             "重要的方向来自对 {n} 个生成样本做 PCA，每个样本都要去噪 {steps} 步（最多一分钟）；"
                             "按下按钮即可找出它们。逐维滑块不需要它们也能用。"),
    "points_edit_caption": ("Orange dot: the sample; black star: the sample after the sliders. Lines: the sweep "
                            "and each direction, mapped through G.",
                            "橙色圆点：原样本；黑色星号：滑块调整后的样本。线条：扫描路径和各个方向，经过 G 映射后的结果。"),
    # VAE
    "real_caption": ("A VAE also has an encoder: it maps a real image to a code z, and the decoder draws it back.",
                     "VAE 还有一个编码器：它把真实图像映射成编码 z，解码器再把它画回来。"),
    "image_a": ("Real image A (number in the dataset)", "真实图像 A（数据集中的编号）"),
    "image_b": ("Real image B (number in the dataset)", "真实图像 B（数据集中的编号）"),
    "upload_image": ("…or upload your own image as A", "……或上传你自己的图像作为 A"),
    "upload_image_help": ("At most {mb} MB. It is cropped to a square and resized to {size}×{size}, like the "
                          "training data.", "最大 {mb} MB。它会被裁成正方形并缩放到 {size}×{size}，与训练数据一致。"),
    "recon_caption": ("Top: the real images A and B. Bottom: the decoder's reconstructions from their codes.",
                      "上：真实图像 A 和 B。下：解码器根据它们的编码重建的结果。"),
    "codes": ("Codes: A = ({a}), B = ({b})", "编码：A = （{a}），B = （{b}）"),
    "blend_real": ("Blend between the codes of A and B", "在 A 和 B 的编码之间混合"),
    "manifold_title": ("The manifold map", "流形图"),
    "manifold_caption": ("Every tile is the decoder applied to one point of the 2-D latent plane; the dots are the "
                         "codes of {n:,} real training images, coloured by class. A and B are marked.",
                         "每一格是解码器作用在二维潜在平面上的一个点；圆点是 {n:,} 张真实训练图像的编码，按类别着色。"
                         "A 和 B 已标出。"),
    "map_size": ("Tiles per side", "每边格数"),
    "show_codes": ("Show real codes", "显示真实编码"),
    "map_extent": ("Plane range ±", "平面范围 ±"),
    "no_data": ("The training data of this model is not available here ({reason}); upload an image instead.",
                "这里无法获得这个模型的训练数据（{reason}）；请改为上传一张图像。"),
    "no_image": ("Upload an image to encode it.", "上传一张图像来编码它。"),
    "bad_image": ("{reason}", "{reason}"),
    "manifold_needs_2d": ("The manifold map needs a 2-D latent space; this model has {dim} dimensions.",
                          "流形图需要二维潜在空间；这个模型有 {dim} 维。"),
    "points_recon_caption": ("Grey: real points. Orange: their reconstructions (encode, then decode).",
                             "灰色：真实数据点。橙色：它们的重建（先编码再解码）。"),
    "reconstruction": ("reconstruction", "重建"),
    "codes_label": ("codes of real data", "真实数据的编码"),
}

# the "This model" tab (app/sample_family_tab.py, app/sample_family.py)
FAMILY_TEXT = {
    "intro_ddpm": ("A diffusion model draws by removing noise step by step. Its latent z is the starting noise, so "
                   "the same seed always gives the same picture (DDIM sampling is deterministic).",
                   "扩散模型通过一步步去除噪声来生成。它的潜在向量 z 就是起始噪声，所以同一个种子总是给出同一张图"
                   "（DDIM 采样是确定性的）。"),
    "seed": ("Seed", "种子"),
    "chain_count": ("Samples in the chain", "链中的样本数"),
    "steps": ("Sampling steps", "采样步数"),
    "steps_help": ("How many denoising steps DDIM takes from pure noise to the sample; fewer is faster and rougher.",
                   "DDIM 从纯噪声到样本所走的去噪步数；步数越少越快，也越粗糙。"),
    "chain_title": ("The denoising chain", "去噪链"),
    "chain_caption": ("Left to right: the noisy picture x_t from pure noise (noise level {first}) to the finished "
                      "sample. Noise left in each frame (σ): {stds}.",
                      "从左到右：带噪图像 x_t，从纯噪声（噪声级 {first}）到完成的样本。每一帧剩余的噪声（σ）：{stds}。"),
    "guess_caption": ("The model's guess of the clean sample at each frame, x̂₀ = (x_t − √(1−ᾱ)·ε̂) / √ᾱ, clipped to "
                      "the data's range. The first column guesses from pure noise: only √ᾱ = {signal:.4f} of the data "
                      "is left in it, so the guess is the network's small error magnified {gain:,.0f} times and "
                      "clipped: {speckle}, not a picture.",
                      "每一帧里模型对干净样本的猜测：x̂₀ = (x_t − √(1−ᾱ)·ε̂) / √ᾱ，再截到数据的取值范围内。"
                      "第一列是从纯噪声出发的猜测：其中只剩 √ᾱ = {signal:.4f} 的数据，所以这个猜测是网络的微小误差"
                      "放大 {gain:,.0f} 倍后再截断的结果：{speckle}，而不是一张图。"),
    "speckle_image": ("black-and-white speckle", "黑白斑点"),
    "speckle_points": ("points piled on the edges of a box", "堆在一个方框边上的点"),
    "guess_later": (" From the next column on, some data is left: the guess is a blurry average, and it sharpens as "
                    "the noise goes.",
                    " 从下一列开始，数据保留了一部分：猜测是模糊的平均，随着噪声减少逐渐变清晰。"),
    "guess_few_steps": (" With {steps} sampling steps DDIM jumps from that first guess almost straight to the sample, "
                        "so the sample is noise too: a model that predicts the noise needs a few steps.",
                        " 只用 {steps} 步采样时，DDIM 几乎直接从第一次猜测跳到样本，所以样本也是噪声："
                        "一个预测噪声的模型需要走几步才行。"),
    "compare_title": ("Same noise, different numbers of steps", "同一噪声，不同步数"),
    "compare_caption": ("{steps} steps", "{steps} 步"),
    "compare_caption_one": ("1 step: the first guess from pure noise, as it is", "1 步：直接从纯噪声得到的第一次猜测"),
    "picked_caption": ("Your choice: {steps} steps", "你选的：{steps} 步"),
    "noising_title": ("The forward process: a real {what} dissolving into noise", "前向过程：一个真实{what}逐渐溶解成噪声"),
    "what_image": ("image", "图像"),
    "what_points": ("point cloud", "点云"),
    "real_index": ("Real sample number", "真实样本编号"),
    "noising_caption": ("Left to right: noise levels {levels}. Share of the data left (√ᾱ): {signal}. Training "
                        "teaches the network to undo exactly this.",
                        "从左到右：噪声级 {levels}。保留的数据比例（√ᾱ）：{signal}。训练教网络做的正是把它倒过来。"),
    "no_real": ("The training data is not available here ({reason}), so the forward process cannot be shown.",
                "这里无法获得训练数据（{reason}），所以无法展示前向过程。"),
    "cost_title": ("What steps cost", "步数的代价"),
    "cost_button": ("Measure the sampling cost", "测量采样耗时"),
    "cost_caption": ("Milliseconds per sample on this server, now (best of 2 runs of 8 samples; other users make it "
                     "slower). A GAN needs one network call per sample; this model needs one per step.",
                     "本服务器此刻每个样本的毫秒数（8 个样本跑 2 次取最好；其他用户会让它变慢）。"
                     "GAN 每个样本只需调用一次网络；这个模型每一步都要调用一次。"),
    "cost_steps": ("steps", "步数"),
    "cost_ms": ("ms per sample", "每样本毫秒"),
    "cost_calls": ("network calls", "网络调用次数"),
    "intro_stylegan": ("StyleGAN feeds its latent through a mapping network to a style w, and gives every layer its "
                       "own copy of w. Layers can take their styles from different seeds.",
                       "StyleGAN 把潜在向量经过映射网络变成风格 w，每一层都拿到自己的一份 w。不同层可以从不同的种子取风格。"),
    "mix_title": ("Style mixing", "风格混合"),
    "row_seeds": ("Row seeds (comma separated)", "行种子（逗号分隔）"),
    "col_seeds": ("Column seeds (comma separated)", "列种子（逗号分隔）"),
    "crossover": ("Crossover: layers taken from the row", "交叉点：从行取风格的层数"),
    "crossover_help": ("Layers below this number take the row's style, the rest the column's.",
                       "低于这个编号的层用行的风格，其余用列的风格。"),
    "mix_caption": ("Top row: column sources; left column: row sources. Each cell takes layers 0–{last} "
                    "({coarse}) from its row and the rest ({fine}) from its column.",
                    "第一行：列的来源；最左列：行的来源。每一格的第 0–{last} 层（{coarse}）来自它的行，其余层（{fine}）来自它的列。"),
    "mix_none": ("Crossover 0: every layer comes from the column, so each row repeats the top row.",
                 "交叉点为 0：所有层都来自列，所以每一行都和第一行相同。"),
    "mix_all": ("Crossover at the last layer: every layer comes from the row, so each row repeats its left picture.",
                "交叉点在最后一层：所有层都来自行，所以每一行都和它最左边的图相同。"),
    "coarse_fine": ("Coarse layers work at low resolution (4×4, 8×8) and decide the layout: pose, shape, which digit. "
                    "Fine layers work at full resolution and decide the look: stroke, colour, texture. Move the "
                    "crossover to see where this model draws the line.",
                    "粗层在低分辨率（4×4、8×8）上工作，决定布局：姿态、形状、是哪个数字。细层在全分辨率上工作，"
                    "决定外观：笔画、颜色、纹理。移动交叉点，看看这个模型在哪里分界。"),
    "layers_at": ("layers at {res} px", "{res} 像素的层"),
    "noise_title": ("Noise inputs", "噪声输入"),
    "noise_seed": ("Sample seed", "样本种子"),
    "noise_caption": ("The same style w with {n} different draws of per-pixel noise.",
                      "同一个风格 w，配上 {n} 次不同的逐像素噪声。"),
    "spread_caption": ("Where noise acts: per-pixel spread, stretched so the largest ({top:.3f}) is white.",
                       "噪声作用在哪里：逐像素的差异，拉伸到最大值（{top:.3f}）为白色。"),
    "no_noise_caption": ("Noise off", "关闭噪声"),
    "noise_note": ("Noise only moves small details; if the spread map is almost black, this model learned to "
                   "ignore its noise.",
                   "噪声只改变细小的细节；如果差异图几乎全黑，说明这个模型学会了忽略噪声。"),
    "trunc_title": ("Truncation in w", "w 空间的截断"),
    "trunc_seeds": ("Seeds (comma separated)", "种子（逗号分隔）"),
    "trunc_caption": ("Rows: ψ = {psis}. Each w is pulled toward the average w; ψ = 0 gives the average picture. "
                      "Smaller ψ: cleaner, more typical, less varied.",
                      "各行：ψ = {psis}。每个 w 被拉向平均 w；ψ = 0 得到“平均图像”。ψ 越小越干净、越典型、越缺少变化。"),
    "bad_seeds": ("Write seeds as whole numbers separated by commas, like 1, 2, 3.",
                  "种子请写成用逗号分隔的整数，例如 1, 2, 3。"),
    "intro_progan": ("A progressive GAN starts at 4×4 and grows a block at a time to full size, fading each new "
                     "block in so the trained layers are not disturbed.",
                     "渐进式 GAN 从 4×4 开始，一次长出一个模块直到全尺寸，每个新模块都逐渐淡入，以免打乱已训练好的层。"),
    "progan_stages": ("The same latents drawn at each stage, by that stage's own output head (its to-RGB layer) at "
                      "its own resolution, all enlarged to one height. The earlier heads stopped learning when the "
                      "next stage took over, while the layers under them kept training, so they show the coarse "
                      "layout the early layers carry now.",
                      "同一组潜在向量在每个阶段的样子：由该阶段自己的输出头（to-RGB 层）在它自己的分辨率下画出，"
                      "再放大到同样的高度。下一阶段接手后，较早的输出头就停止了学习，而它们下面的层还在继续训练，"
                      "所以它们显示的是早期层现在携带的粗略布局。"),
    "stage_caption": ("{res}×{res}", "{res}×{res}"),
    "stage_caption_now": ("{res}×{res}: what the model draws now", "{res}×{res}：模型现在画出的样子"),
    "progan_now": ("This checkpoint is at stage {stage} of {stages}: {res}×{res} pixels{fade}{enlarged}. It grew "
                   "through {path}; each stage spent its first half fading the new block in.",
                   "这个检查点处于第 {stage}/{stages} 阶段：{res}×{res} 像素{fade}{enlarged}。"
                   "它依次长过 {path}；每个阶段的前一半用来淡入新模块。"),
    "progan_ahead": (" It was saved before it grew on to {path}.", "它在继续长到 {path} 之前就被保存了。"),
    "progan_enlarged": (", drawn enlarged to {size}×{size}", "，放大到 {size}×{size} 输出"),
    "progan_fade": (" (new block faded in at {alpha:.0%})", "（新模块已淡入 {alpha:.0%}）"),
    "intro_translation": ("A translation model turns a source picture into a target picture. Its sources here are "
                          "held-out images it never trained on (task: {task}).",
                          "翻译模型把源图像变成目标图像。这里的源图像来自它训练时从未见过的留出图像（任务：{task}）。"),
    "pick_by": ("Pick sources by", "按什么挑选源图像"),
    "by_index": ("bank number", "图库编号"),
    "by_seed": ("seed", "种子"),
    "first_index": ("First bank number", "起始图库编号"),
    "how_many": ("How many", "数量"),
    "rows_pix2pix": ("Rows: source | output | real target (the pair pix2pix learns from).",
                     "各行：源图像 | 输出 | 真实目标（pix2pix 学习用的配对）。"),
    "rows_cyclegan": ("Rows: source | output | cycle reconstruction F(G(source)): CycleGAN never saw a pair, "
                      "so the round trip is what keeps it honest.",
                      "各行：源图像 | 输出 | 循环重建 F(G(源))：CycleGAN 从没见过配对，靠往返一致来约束自己。"),
    "empty_bank": ("This checkpoint holds no held-out images, so there is nothing to translate; upload a picture.",
                   "这个检查点没有留出图像，没有可翻译的内容；请上传一张图片。"),
    "upload_title": ("Translate your own picture", "翻译你自己的图片"),
    "upload_image": ("Upload a small picture (PNG, JPEG, …)", "上传一张小图片（PNG、JPEG 等）"),
    "upload_help": ("At most {mb} MB. It is cropped to a square and resized to {size}×{size}, like the training "
                    "data.", "最大 {mb} MB。它会被裁成正方形并缩放到 {size}×{size}，与训练数据一致。"),
    "upload_mode": ("My picture is", "我的图片是"),
    "mode_target": ("a finished picture: make its source first", "一张完整的图：先生成它的源图像"),
    "mode_source": ("already a source", "已经是源图像"),
    "upload_caption_yours": ("source | output | your picture", "源图像 | 输出 | 你的图片"),
    "upload_caption_cycle": ("source | output | cycle reconstruction", "源图像 | 输出 | 循环重建"),
    "upload_caption_plain": ("source | output", "源图像 | 输出"),
    "bad_image": ("{reason}", "这张图片无法使用：{reason}"),
    "intro_stackgan": ("StackGAN draws in two stages: stage I sketches a half-size picture (layout and colours), "
                       "stage II repaints it at full size (edges and detail).",
                       "StackGAN 分两个阶段作画：第一阶段画出半尺寸的草图（布局和颜色），第二阶段在全尺寸上重画（边缘与细节）。"),
    "stack_seeds": ("Seeds (comma separated)", "种子（逗号分隔）"),
    "stack_caption": ("Top: stage I at {low}×{low}, enlarged. Bottom: stage II at {size}×{size} for the same seeds.",
                      "上：第一阶段 {low}×{low}（放大显示）。下：同样种子的第二阶段 {size}×{size}。"),
    "intro_caption": ("Type a caption and the model draws it. It reads English words only.",
                      "输入一句描述，模型就把它画出来。它只认识英文单词。"),
    "caption": ("Caption", "描述"),
    "caption_default": ("red circle top left", "red circle top left"),
    "caption_cut": ("Your caption had {length:,} characters; only the first {limit} are kept.",
                    "你的描述有 {length:,} 个字符；只保留前 {limit} 个。"),
    "caption_count": ("Pictures", "图片数量"),
    "fill_missing": ("Fill in what it leaves out", "随机补全没说的属性"),
    "fill_help": ("Off: the model reads a partial caption as it is and z must choose the rest, often a faint blend.",
                  "关闭：模型按原样读取不完整的描述，由 z 决定其余部分，常常是模糊的混合。"),
    # a picture with the wrong colour under "Pictures for 'blue triangle …'" was shown with no word of warning
    "caption_images": ("Pictures for “{text}”. A small model: now and then one gets the colour, the shape or the "
                       "corner wrong.",
                       "“{text}” 的图片。这是个小模型：偶尔会有一张的颜色、形状或位置画错。"),
    "unknown_words": ("I do not know these words and ignored them: {words}. Try the words below.",
                      "这些词我不认识，已忽略：{words}。试试下面的词。"),
    "vocabulary": ("Words I know: {words}. Words I read but that say nothing: {fillers}.",
                   "我认识的词：{words}。我能读但没有含义的词：{fillers}。"),
    "caption_nothing": ("None of these words names a shape, colour or position I know; try words like {words}.",
                        "这些词里没有我认识的形状、颜色或位置；请试试这些英文单词：{words}。"),
    "caption_empty": ("Type a caption, for example “blue square bottom right”.",
                      "输入一句描述，例如 “blue square bottom right”。"),
    "failed": ("This part could not be drawn for this checkpoint: {reason}", "这个检查点无法画出这一部分：{reason}"),
}
