"""Texts of the Mode Collapse page: {key: (english, chinese)}, read through app.i18n.t."""

TEXT = {
    "title": ("Mode collapse", "模式崩溃"),
    "intro": ("Put 2 to 4 runs side by side: their samples, the same numbers computed the same way, how they "
              "spread over the modes or classes, and how that changed during training. A collapsed GAN shows "
              "up as empty modes, a lopsided histogram and a curve that jumps around.",
              "把 2 到 4 个训练结果并排比较：它们的样本、用同一方法算出的同一组指标、在各模式或类别上的分布，"
              "以及这些在训练过程中如何变化。崩溃的 GAN 会表现为空着的模式、一边倒的直方图和上下跳动的曲线。"),
    # picking runs
    "runs": ("Runs to compare", "要比较的训练"),
    "runs_help": ("Demo checkpoints, runs saved on the Train page, and runs of this browser session that are "
                  "still training (they are scored at their current step).",
                  "示例检查点、在“训练”页保存的结果，以及本浏览器会话中仍在训练的任务（按当前步数评估）。"),
    "runs_placeholder": ("Choose 2 to 4 runs", "选择 2 到 4 个训练"),
    "source_demo": ("demo", "示例"),
    "source_saved": ("saved", "已保存"),
    "source_job": ("this session", "本会话"),
    "source_class": ("class", "课堂"),
    "status_queued": ("waiting", "排队中"),
    "status_running": ("training", "训练中"),
    "status_paused": ("paused", "已暂停"),
    "status_finished": ("finished", "已完成"),
    "status_stopped": ("stopped", "已停止"),
    "status_failed": ("failed", "失败"),
    "n": ("Samples per run", "每个训练的样本数"),
    "n_help": ("How many samples each run generates for the numbers. More samples give steadier numbers and "
               "take longer.", "每个训练为计算指标生成多少样本。样本越多，数字越稳定，但也越慢。"),
    "seed": ("Seed", "随机种子"),
    "seed_help": ("The latent seed: the same seed gives the same samples, so the numbers can be reproduced "
                  "with `python -m gan_core metrics CKPT --n N --seed SEED`.",
                  "潜变量种子：相同种子给出相同样本，因此可以用 `python -m gan_core metrics CKPT --n N --seed SEED` "
                  "复现这些数字。"),
    "too_few": ("Choose at least 2 runs to compare (you have {count}).", "请至少选择 2 个训练进行比较（当前 {count} 个）。"),
    "too_many": ("Choose at most 4 runs: {count} do not fit side by side. Remove {extra}.",
                 "最多选择 4 个训练：{count} 个无法并排显示。请移除 {extra} 个。"),
    "no_runs": ("There are no checkpoints yet. Train and save a run on the Train page, build the demos with "
                "`python -m gan_core demos`, or start the collapse lab below.",
                "还没有检查点。请在“训练”页训练并保存，或运行 `python -m gan_core demos` 生成示例，或使用下面的崩溃实验室。"),
    "scoring": ("Scoring {label} on {n} samples…", "正在用 {n} 个样本评估 {label}…"),
    "waiting_queue": ("{label} is waiting for a free training slot (position {position} in the queue).",
                      "{label} 正在等待空闲的训练名额（队列第 {position} 位）。"),
    "waiting_preparing": ("{label} has not trained a step yet (it waits for a slot or is building its data and "
                          "networks): open this page again in a moment to compare it.",
                          "{label} 还没有训练任何一步（正在等待名额或准备数据和网络）：稍后重新打开本页即可比较。"),
    "job_gone": ("{label} is no longer available (its session ended or it was removed).",
                 "{label} 已不可用（其会话已结束或已被移除）。"),
    "live_note": ("Still training: scored at step {step} of {target}; the page updates when it finishes.",
                  "仍在训练：按第 {step}/{target} 步评估；训练结束后页面会自动更新。"),
    "failed_note": ("Training failed: {error}", "训练失败：{error}"),
    "lab_training": ("**{label}** is still training in the lab (its progress is in the lab above): it joins the "
                     "comparison when it finishes.",
                     "**{label}** 仍在实验中训练（进度见上方的实验）：训练结束后会加入比较。"),
    # samples
    "samples_points": ("Coloured dots: {shown} of the generated points; grey: real data. Mode centres: "
                       "green ring = covered, red cross = missed; the number beside each is how many samples "
                       "landed within 3σ of it.",
                       "彩色点：生成样本中的 {shown} 个；灰点：真实数据。模式中心：绿圈 = 已覆盖，红叉 = 未覆盖；"
                       "旁边的数字是落在其 3σ 范围内的样本数。"),
    "samples_images": ("The first 64 samples of each run, from the same seed.", "每个训练用同一种子生成的前 64 个样本。"),
    "facts_points": ("**{covered} of {modes}** modes covered · **{hq:.0%}** high quality",
                     "覆盖 **{covered}/{modes}** 个模式 · 高质量 **{hq:.0%}**"),
    "facts_classes": ("**{covered} of {modes}** classes appear", "出现了 **{covered}/{modes}** 个类别"),
    "outside": ("{count} points lie outside this view.", "有 {count} 个点在视图之外。"),
    "outside_one": ("1 point lies outside this view.", "有 1 个点在视图之外。"),
    "model_gan": ("GAN", "GAN"),
    "model_cgan": ("conditional GAN", "条件 GAN"),
    "model_vae": ("VAE", "VAE"),
    "model_cvae": ("conditional VAE", "条件 VAE"),
    "cfg_loss": ("{loss} loss", "{loss} 损失"),
    "cfg_pack": ("pack {pack}", "打包 {pack}"),
    "cfg_sn": ("spectral norm", "谱归一化"),
    "cfg_critic": ("{n} critic steps", "每步 {n} 次判别器更新"),
    "cfg_beta": ("β = {beta:g}", "β = {beta:g}"),
    "cfg_lr": ("lr {lr:g}", "学习率 {lr:g}"),
    "cfg_lr_decay": ("lr {lr:g} → 0", "学习率 {lr:g} → 0"),
    "cfg_step": ("step {step}", "第 {step} 步"),
    "cfg_data": ("{dataset}", "{dataset}"),
    # table
    "numbers": ("The numbers", "指标"),
    "numbers_caption": ("{n:,} samples per run from seed {seed}, scored against the same real data. "
                        "★ marks the best value in each row (↑ higher is better, ↓ lower is better, ≈ closest to "
                        "the real data's value is best); values that look the same share the ★, so do KID values "
                        "below 0 (an unbiased estimate of a distance near 0 scatters around it), and a row where "
                        "every run ties has none.",
                        "每个训练用种子 {seed} 生成 {n:,} 个样本，与同一份真实数据比较。"
                        "★ 标出每一行的最佳值（↑ 越高越好，↓ 越低越好，≈ 越接近真实数据的数值越好）；"
                        "显示相同的数值共享 ★，低于 0 的 KID 值也共享 ★（接近 0 的距离的无偏估计会在 0 上下波动），"
                        "所有训练都相同的行不标 ★。"),
    "metric": ("Metric", "指标"),
    "not_comparable": ("These runs were trained on different data ({datasets}); their numbers cannot be "
                       "compared, so no best value is marked.",
                       "这些训练使用了不同的数据（{datasets}），数字之间不可比较，因此不标出最佳值。"),
    "no_numbers": ("No run could be scored, so there is no table.", "没有任何训练能被评估，因此没有表格。"),
    "explain": ("What do these numbers mean?", "这些数字是什么意思？"),
    "explain_line": ("**{label}** ({arrow}): {text}", "**{label}**（{arrow}）：{text}"),
    "higher": ("↑ higher is better", "↑ 越高越好"),
    "lower": ("↓ lower is better", "↓ 越低越好"),
    "spread": ("{value} ({low}–{high})", "{value}（{low}–{high}）"),
    "closest": ("≈ closest to the real data's value is best", "≈ 越接近真实数据的数值越好"),
    "row_real": ("{label} ≈ real data's {real}", "{label} ≈ 真实数据的 {real}"),
    "feature_space": ("Feature space of the distance metrics: {space}.", "距离类指标所用的特征空间：{space}。"),
    "download_csv": ("Download CSV", "下载 CSV"),
    "download_json": ("Download JSON", "下载 JSON"),
    "download_help": ("The table (CSV) or the whole comparison with each run's settings and histograms (JSON).",
                      "表格（CSV），或包含各训练设置和直方图的完整比较（JSON）。"),
    # histograms
    "histograms": ("How the samples spread", "样本如何分布"),
    "hist_modes": ("Share of each run's samples whose nearest mode is each mode, next to the real data (each "
                   "mode has 1/{k} of it). A collapsed run piles its samples on one or a few bars; how sharp the "
                   "samples are shows in the scatters above, not here.",
                   "每个训练的样本中，以各模式为最近模式的比例，与真实数据（每个模式占 1/{k}）对照。崩溃的训练把样本"
                   "堆在一根或少数几根柱子上；样本是否清晰要看上面的散点图，而不是这里。"),
    "hist_classes": ("Share of each run's samples that the classifier puts in each class, next to the real data's "
                     "class shares.", "分类器把每个训练的样本判为各类别的比例，与真实数据的类别比例对照。"),
    "hist_none": ("No histogram: these runs have neither known modes nor a classifier for their data.",
                  "没有直方图：这些训练的数据既没有已知模式，也没有对应的分类器。"),
    "hist_mixed": ("The runs use different data, so their histograms are not drawn together.",
                   "这些训练使用了不同的数据，因此不把它们的直方图画在一起。"),
    "real_data": ("real data", "真实数据"),
    "share": ("share of samples", "样本比例"),
    "mode": ("mode", "模式"),
    "class": ("class", "类别"),
    # curves
    "curves": ("During training", "训练过程中"),
    # ring8-vanilla hops, yet its count sits at 1 (it covers one mode at a time): the jumps show in reverse KL
    "curves_caption": ("The cheap metrics recorded every few hundred steps on a fixed batch of latents. A generator "
                       "that hops from mode to mode covers few modes at every check (the count stays low while the "
                       "mode it sits on changes), and its reverse KL over all samples jumps up and down as it "
                       "hops.",
                       "训练时每隔几百步在一组固定潜变量上记录的快速指标。在模式间跳动的生成器每次检查都只覆盖很少的"
                       "模式（数量一直很低，但它所在的模式在变），它在全部样本上的反向 KL 随跳动忽高忽低。"),
    "curves_caption_classes": ("The cheap metrics recorded every few hundred steps on a fixed batch of latents. A "
                               "collapsing generator shows as a saw-tooth: the number of classes it draws rises "
                               "and falls as it jumps from one class to another.",
                               "训练时每隔几百步在一组固定潜变量上记录的快速指标。崩溃的生成器表现为锯齿：它画出的类别数"
                               "随它在类别间跳动而忽高忽低。"),
    "list_separator": ("; ", "；"),
    "no_curves": ("None of these runs recorded metrics during training.", "这些训练都没有在训练中记录指标。"),
    "curves_missing": ("{run} has no line for {metrics}: it did not record them while it trained (runs saved by "
                       "older versions record fewer).",
                       "{run} 没有 {metrics} 的曲线：它训练时没有记录这些指标（旧版本保存的训练记录得较少）。"),
    "step_axis": ("training step", "训练步数"),
    "all_modes": ("all {k}", "全部 {k} 个"),
    "all_classes": ("all {k} classes", "全部 {k} 个类别"),
    "classes_covered": ("Classes covered", "覆盖的类别数"),
    # lab
    "lab": ("Collapse lab: train a plain GAN, PacGAN, WGAN-GP, a VAE, top-k training, DeLiGAN or a fixed mixture "
            "latent (its islands weighted or not) on the same data with one click",
            "崩溃实验室：一键用普通 GAN、PacGAN、WGAN-GP、VAE、Top-k 训练、DeLiGAN 或固定混合潜变量（小岛加不加权重）训练同一份数据"),
    "lab_intro": ("One click trains the same data with up to four recipes (by default a plain GAN, PacGAN, WGAN-GP "
                  "and a VAE) and fills this page with their comparison. Runs take turns on the server; on a laptop "
                  "four runs take a minute or two.",
                  "一键用最多四种方法训练同一份数据（默认是普通 GAN、PacGAN、WGAN-GP 和 VAE），并用它们的比较"
                  "填满本页。训练会在服务器上轮流进行；在笔记本电脑上四个训练需要一两分钟。"),
    "lab_arms": ("Recipes to train (up to 4 at a time)", "要训练的方法（一次最多 4 个）"),
    "lab_arms_help": ("The plain GAN, PacGAN, WGAN-GP and a VAE tell the collapse story in about two minutes. Top-k "
                      "training (Sinha et al. 2020) lets the generator learn only from the fakes the discriminator "
                      "rates most real; DeLiGAN (Gurumurthy et al. 2017) gives it a learned mixture of Gaussians as its "
                      "latent, so it can jump between modes instead of stretching across them; the fixed mixture "
                      "(GM-GAN, Ben-Yosef & Weinshall 2018) cuts its latent into separate islands that never move, "
                      "so no samples are left on a bridge between two modes; with learned weights the generator "
                      "also learns how often to draw each island, from its own loss: islands the discriminator rates "
                      "worse than average (stranded between modes, or on a crowded mode) are drawn less often. Run "
                      "any of them alone and compare it with a run you already have.",
                      "普通 GAN、PacGAN、WGAN-GP 和 VAE 大约两分钟就能讲完崩溃的故事。Top-k 训练（Sinha 等，2020）"
                      "只让生成器从判别器认为最像真的假样本中学习；DeLiGAN（Gurumurthy 等，2017）给生成器一个可学习的"
                      "高斯混合潜变量，让它在模式之间跳跃，而不是把自己拉伸着跨过它们；固定混合潜变量（GM-GAN，"
                      "Ben-Yosef 与 Weinshall，2018）把潜空间分成固定不动、互不相连的小岛，于是不会有样本留在两个模式"
                      "之间的桥上；加上学习的权重后，生成器还会根据自己的损失学习每个小岛被抽到的频率：判别器评分低于平均的小岛"
                      "（困在模式之间，或挤在样本过多的模式上）会更少被抽到。任何一个都可以单独运行，再与已有的训练比较。"),
    "arm_vanilla": ("Plain GAN", "普通 GAN"),
    "arm_pacgan": ("PacGAN", "PacGAN"),
    "arm_wgan-gp": ("WGAN-GP", "WGAN-GP"),
    "arm_vae": ("VAE", "VAE"),
    "arm_topk": ("Top-k training", "Top-k 训练"),
    "arm_deligan": ("DeLiGAN (mixture latent)", "DeLiGAN（混合潜变量）"),
    "arm_islands": ("Fixed mixture latent (GM-GAN)", "固定混合潜变量（GM-GAN）"),
    "arm_weighted": ("Islands with learned weights", "学习权重的小岛"),
    # rejection sampling: post-hoc, always labelled so
    "rejection_toggle": ("Show discriminator rejection sampling (post-hoc)", "显示判别器拒绝采样（事后筛选）"),
    "rejection_help": ("Discriminator rejection sampling (Azadi et al. 2019) trains nothing: after training it draws "
                       "many samples and keeps each with a probability that grows with how real the discriminator "
                       "rates it. It is post-hoc: the numbers below describe a filter on the generator's samples, "
                       "not the generator's own quality.",
                       "判别器拒绝采样（Azadi 等，2019）不训练任何东西：训练结束后先生成大量样本，再按判别器认为它"
                       "有多像真的来决定保留的概率。它是事后筛选：下面的数字描述的是对生成器样本的过滤，"
                       "而不是生成器本身的质量。"),
    "rejection_title": ("Post-hoc: discriminator rejection sampling", "事后筛选：判别器拒绝采样"),
    "rejection_own": ("{label}: the generator's own samples", "{label}：生成器自己的样本"),
    "rejection_kept": ("{label}: after rejection (post-hoc, {rate} accepted)", "{label}：拒绝采样之后（事后筛选，接受 {rate}）"),
    "rejection_unavailable": ("{label} has no discriminator to ask (only an unconditional GAN has one).",
                              "{label} 没有可以询问的判别器（只有无条件 GAN 才有）。"),
    "lab_base": ("Data", "数据"),
    "lab_base_ring8-vanilla": ("ring of 8 Gaussians", "8 个高斯组成的圆环"),
    "lab_base_grid25-vanilla": ("grid of 25 Gaussians", "25 个高斯组成的网格"),
    "lab_seed": ("Lab seed", "实验种子"),
    "lab_seed_help": ("The training seed of every run of the lab. Another seed gives another collapse: does the plain "
                      "GAN always fail the same way?",
                      "实验中所有训练共用的训练种子。换一个种子，崩溃的方式也会不同：普通 GAN 每次都以同样方式失败吗？"),
    "lab_reuse": ("Reuse identical demos", "复用设置相同的示例"),
    "lab_reuse_help": ("A demo checkpoint trained with exactly the same settings and seed stands in for training "
                       "that run again (training is deterministic, so the result would be the same).",
                       "若某个示例检查点的设置和种子完全相同，就直接使用它而不再训练（训练是确定性的，结果相同）。"),
    "lab_start": ("Run the collapse lab", "运行崩溃实验室"),
    "lab_stop": ("Stop the lab", "停止实验"),
    "lab_started": ("The lab is running: {jobs} training, {demos} taken from demos.",
                    "实验进行中：{jobs} 个正在训练，{demos} 个取自示例。"),
    "lab_limit": ("{count} lab runs wait for one of your {limit} training slots; they start as your other runs "
                  "finish (keep this page open).",
                  "有 {count} 个实验训练在等待你的 {limit} 个训练名额之一；其他训练结束后它们会开始（请保持本页打开）。"),
    "lab_limit_one": ("1 lab run waits for one of your {limit} training slots; it starts as your other runs finish "
                      "(keep this page open).",
                      "有 1 个实验训练在等待你的 {limit} 个训练名额之一；其他训练结束后它会开始（请保持本页打开）。"),
    "lab_done": ("The lab has finished; its runs are compared below.", "实验已完成，下面是它们的比较。"),
    "lab_done_one": ("The lab has finished; its run is compared below with the runs chosen before.",
                     "实验已完成，下面把它的训练与之前选中的训练进行比较。"),
    "lab_row_demo": ("{title}: demo {demo}", "{title}：示例 {demo}"),
    "lab_row_pending": ("{title}: waiting for a free slot", "{title}：等待空闲名额"),
    "lab_row_queued": ("{title}: in the queue (position {position})", "{title}：排队中（第 {position} 位）"),
    "lab_row_job": ("{title}: {status}, step {step} of {target}", "{title}：{status}，第 {step}/{target} 步"),
    "lab_row_failed": ("{title}: failed: {error}", "{title}：失败：{error}"),
    "lab_row_gone": ("{title}: no longer available", "{title}：已不可用"),
}
