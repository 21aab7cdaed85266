"""Every label and explanation of the Home page, in English and Chinese: {key: (english, chinese)}."""
TEXT = {
    "title": ("Latent Lab", "Latent Lab 潜空间实验室"),
    "tagline": ("Watch generative models learn, fail and recover, live, on a laptop.",
                "在笔记本电脑上实时观察生成模型如何学习、失败和恢复。"),
    "what_title": ("What you can see here", "你可以在这里看到什么"),
    "what_gan": ("**GANs are a two-player game.** A generator G turns random noise z into samples; a "
                 "discriminator D tries to tell them from real data. D maximises and G minimises "
                 "E[log D(x)] + E[log(1 − D(G(z)))]: as D gets better at spotting fakes, G gets better at making them.",
                 "**GAN 是一个双人博弈。** 生成器 G 把随机噪声 z 变成样本；判别器 D 试图把它们和真实数据区分开。"
                 "D 最大化、G 最小化 E[log D(x)] + E[log(1 − D(G(z)))]：D 越会识破假样本，G 就越会造假。"),
    "what_vae": ("**VAEs compress and rebuild.** An encoder maps each example to a small cloud in a latent "
                 "space, a decoder maps latents back; the KL term keeps that space close to a standard normal, "
                 "so any z you sample decodes to something sensible.",
                 "**VAE 先压缩再重建。** 编码器把每个样本映射为潜空间中的一小团分布，解码器再把潜变量变回样本；"
                 "KL 项让潜空间接近标准正态分布，因此随便采样一个 z 都能解码出合理的结果。"),
    "what_collapse": ("**Training is fragile.** A GAN can cover only a few of the real modes (mode collapse) or "
                      "blow up; tricks such as PacGAN packing, spectral norm, gradient penalties or a learning rate "
                      "annealed to zero fix much of it, and the metrics show by how much.",
                      "**训练很脆弱。** GAN 可能只覆盖少数真实模式（模式崩溃），甚至发散；PacGAN 打包、谱归一化、"
                      "梯度惩罚或逐步降到零的学习率等技巧能解决大部分问题，指标会告诉你改善了多少。"),
    "what_conditional": ("**Conditional models take orders.** Give a cGAN or cVAE a class label and it draws "
                         "that class: ask for a 7, get a 7.",
                         "**条件模型听指挥。** 给 cGAN 或 cVAE 一个类别标签，它就生成这一类：要 7 就得到 7。"),
    "what_latent": ("**The latent space is a map.** Walk in a straight (or spherical) line between two z and "
                    "the samples morph smoothly from one to the other.",
                    "**潜空间是一张地图。** 在两个 z 之间沿直线（或球面）行走，样本会平滑地从一个变成另一个。"),
    "what_family": ("**The wider family.** Diffusion, progressive growing, style-based generators, two-stage "
                    "StackGAN, Pix2Pix and CycleGAN translation and a tiny caption-to-image model are all here as "
                    "models on the Train page, with their own views on Sample & Blend.",
                    "**更大的家族。** 扩散模型、渐进式增长、基于风格的生成器、两阶段 StackGAN、Pix2Pix 与 CycleGAN 图像翻译，"
                    "以及一个迷你的文字生成图像模型，都可以在训练页选择，并在采样与混合页有各自的视图。"),
    "what_style_transfer": (
        "**Why there is no neural style transfer.** Style transfer (Gatys et al.) matches the texture statistics of "
        "a network trained on millions of photos (VGG on ImageNet). Latent Lab never downloads weights, and its "
        "own classifiers, trained on small digits and shapes (16×16, and 28×28 MNIST), have no textures worth "
        "transferring, so the result would teach nothing true. The closest idea here is StyleGAN's style mixing "
        "on Sample & Blend: coarse styles from one sample, fine ones from another.",
        "**为什么没有神经风格迁移。** 风格迁移（Gatys 等）匹配的是在数百万张照片上训练的网络（ImageNet 上的 VGG）的纹理统计。"
        "Latent Lab 从不下载权重，而它自己的分类器只在小尺寸的数字和形状（16×16，以及 28×28 的 MNIST）上训练，没有值得迁移的纹理，做出来的结果不能正确地教任何东西。"
        "这里最接近的思想是采样与混合页上 StyleGAN 的风格混合：粗粒度风格取自一个样本，细粒度风格取自另一个。"),
    "pages_title": ("Pages", "页面"),
    # each link's name, and under it what the page is for (a link's label does not wrap: beside the text at
    # 1280 px "Sample & Blend: walk the latent space" was cut at "latent")
    # one note under each page's link (app.shell.PAGES, named as the sidebar names them)
    "page_train_note": ("watch a model learn", "观察模型学习"),
    "page_sample_note": ("walk the latent space", "在潜空间中漫步"),
    "page_collapse_note": ("measure it, fix it", "度量并修复"),
    "page_classroom_note": ("a whole class in one gallery", "全班的训练在一个画廊里"),
    "presets_title": ("One click to start", "一键开始"),
    "presets_caption": ("Each button opens the Train page with the experiment selected and starts it.",
                        "每个按钮都会打开训练页面、选好实验并立即开始。"),
    "card_collapse_title": ("See mode collapse", "看看模式崩溃"),
    # the run is over in 10-20 s: the card says where to see the hop again (the timeline once it ends)
    "card_collapse_text": ("A plain GAN on a ring of 8 Gaussians settles on one mode, then hops to another. It is "
                           "quick: when it ends, scrub back through the run to see the hop again.",
                           "普通 GAN 学习 8 个高斯组成的圆环：它停在一个模式上，然后跳到另一个。过程很快：结束后可以回看训练过程，再看一次跳跃。"),
    "card_fix_title": ("Fix it", "修好它"),
    "card_fix_text": ("The same ring with its latent cut into separate islands, a least-squares loss, deeper "
                      "networks (G and D) and a learning rate annealed to zero: all 8 modes, sharp samples.",
                      "同样的圆环，把潜空间分成互不相连的小岛，再加上最小二乘损失、更深的网络（G 和 D）和逐步降到零的学习率：覆盖全部 8 个模式，样本清晰。"),
    "card_digits_gan_title": ("Digits GAN", "数字 GAN"),
    "card_digits_gan_text": ("A small DCGAN on 16×16 handwritten digits: blobs become digits within a minute.",
                             "在 16×16 手写数字上训练小型 DCGAN：一分钟内模糊的斑点就会变成数字。"),
    "card_digits_vae_title": ("Digits VAE", "数字 VAE"),
    "card_digits_vae_text": ("A VAE with a 2-D latent space: see the digits arrange themselves on a map.",
                             "二维潜空间的 VAE：看数字在一张地图上自己排好位置。"),
    "open": ("Start", "开始"),
    "checkpoints_title": ("Models you can use now", "现在可以使用的模型"),
    "checkpoints_caption": ("Demo models ship with the app; runs saved on the Train page appear here at once.",
                            "演示模型随应用提供；在训练页面保存的模型会立即出现在这里。"),
    "checkpoints_empty": ("No checkpoints yet. Train a model and press **Save checkpoint**, or build the demos "
                          "with `python -m gan_core demos`.",
                          "还没有检查点。训练一个模型并按 **保存检查点**，或用 `python -m gan_core demos` 生成演示模型。"),
    "col_name": ("Name", "名称"),
    "col_source": ("Source", "来源"),
    "col_dataset": ("Dataset", "数据集"),
    "col_model": ("Model", "模型"),
    "col_loss": ("Loss", "损失"),
    "col_steps": ("Steps", "步数"),
    "source_demo": ("demo", "演示"),
    "source_saved": ("saved", "已保存"),
    "broken": ("{name}: {message}", "{name}：{message}"),
}
