"""Texts of the shared sidebar and navigation."""
TEXT = {
    "home": ("Home", "首页"),
    "train": ("Train", "训练"),
    "sample": ("Sample & Blend", "采样与混合"),
    "collapse": ("Mode Collapse", "模式崩溃"),
    "classroom": ("Class", "课堂"),
    "language": ("Language / 语言", "语言 / Language"),
    "present": ("Presenter mode", "演示模式"),
    "present_help": ("For the projector: larger type and markers, explanations folded, the live picture as wide as "
                     "the page. Share links keep it on (present=1).",
                     "用于投影：更大的字体和标记，说明折叠起来，实时画面占满页面宽度。分享链接会保留此模式（present=1）。"),
    "starting": ("Starting up: loading PyTorch and the charts (only on the server's first page)…",
                 "正在启动：加载 PyTorch 和图表库（仅在服务器打开第一个页面时）……"),
    "device": ("Device: **{device}**", "计算设备：**{device}**"),
    "device_cpu_one": ("cpu (1 thread per run)", "cpu（每个训练 1 个线程）"),
    "device_cpu": ("cpu ({threads} threads per run)", "cpu（每个训练 {threads} 个线程）"),
    "device_cuda": ("cuda ({name})", "cuda（{name}）"),
    "device_mps": ("mps (Apple GPU)", "mps（Apple GPU）"),
    "jobs_title": ("Your runs", "你的训练"),
    "no_jobs": ("No runs yet.", "还没有训练任务。"),
    "server_load": ("Server: {running} running, {queued} waiting (limit {limit} at once)",
                    "服务器：{running} 个运行中，{queued} 个排队（同时最多 {limit} 个）"),
    "cluster_load": ("Ray cluster: {running} running from this server, {queued} waiting (the cluster holds {limit} at "
                     "once)", "Ray 集群：本服务器 {running} 个运行中，{queued} 个排队（集群同时最多 {limit} 个）"),
    "run_where": (" · on {node}, {device}", " · 运行于 {node}，{device}"),
}
