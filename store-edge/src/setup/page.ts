// The first-boot setup page (issue 20 item 2), zh-CN: staff type or scan HQ's address and the
// enrollment code, the edge enrolls, restarts into its store, and the page shows the HQ link and
// the catalog download until the lanes can sell. One self-contained page (no build step), served
// at /setup by routes.ts; it talks to /api/v1/setup and /api/v1/status only.
export const SETUP_PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>门店服务器初始设置</title>
<style>
  body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; margin: 0; background: #f4f5f7; color: #1f2328; }
  main { max-width: 560px; margin: 48px auto; background: #fff; border-radius: 8px; padding: 32px; box-shadow: 0 1px 4px rgba(0,0,0,.12); }
  h1 { font-size: 24px; margin: 0 0 8px; }
  p.hint { color: #57606a; margin: 0 0 24px; }
  label { display: block; font-weight: 600; margin: 16px 0 6px; }
  input { width: 100%; box-sizing: border-box; font-size: 20px; padding: 10px 12px; border: 1px solid #d0d7de; border-radius: 6px; }
  button { margin-top: 24px; font-size: 20px; padding: 10px 28px; border: 0; border-radius: 6px; background: #1f6feb; color: #fff; cursor: pointer; }
  button:disabled { background: #8c959f; }
  .error { color: #cf222e; margin-top: 16px; white-space: pre-wrap; }
  ol.steps { list-style: none; padding: 0; margin: 24px 0 0; }
  ol.steps li { padding: 10px 0; border-bottom: 1px solid #eaeef2; font-size: 18px; }
  ol.steps li[data-state="done"]::before { content: "✓ "; color: #1a7f37; }
  ol.steps li[data-state="active"]::before { content: "… "; color: #9a6700; }
  ol.steps li[data-state="todo"] { color: #8c959f; }
  progress { width: 100%; height: 14px; margin-top: 6px; }
  a.go { display: inline-block; margin-top: 24px; font-size: 20px; }
  [hidden] { display: none !important; }
</style>
</head>
<body>
<main>
  <h1>门店服务器初始设置</h1>
  <p class="hint" id="hint">请输入总部地址和总部发放的注册码（可用扫码枪扫描）。</p>
  <form id="enroll" data-loaded="false" hidden>
    <label for="hq">总部地址</label>
    <input id="hq" name="hq" placeholder="http://hq.example:8080" autocomplete="off" required>
    <label for="code">注册码</label>
    <input id="code" name="code" placeholder="ABCD-EFGH" autocomplete="off" required>
    <button id="submit" type="submit">注册本店</button>
    <div class="error" id="error" role="alert"></div>
  </form>
  <section id="progress" hidden>
    <p id="store"></p>
    <ol class="steps">
      <li id="step-enrolled" data-state="todo">已向总部注册</li>
      <li id="step-restart" data-state="todo">以本店身份重新启动</li>
      <li id="step-link" data-state="todo">连接总部</li>
      <li id="step-catalog" data-state="todo">下载商品目录 <span id="catalog-text"></span><progress id="catalog-bar" max="1" value="0" hidden></progress></li>
      <li id="step-lanes" data-state="todo">收银台可以开始营业</li>
    </ol>
    <a class="go" id="go" href="/" hidden>打开收银台</a>
  </section>
</main>
<script>
const $ = (id) => document.getElementById(id);
const set = (id, state) => $(id).setAttribute("data-state", state);
let polling = false;
async function json(path, init) {
  const res = await fetch(path, init);
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw Object.assign(new Error(body.message || res.status), { body });
  return body;
}
function showProgress(store) {
  $("enroll").hidden = true;
  $("hint").textContent = "正在完成设置，请勿断电。";
  $("progress").hidden = false;
  if (store) $("store").textContent = "门店：" + store.storeId + " " + (store.storeName || "");
  set("step-enrolled", "done");
  if (!polling) { polling = true; poll(); }
}
async function poll() {
  for (;;) {
    try {
      const s = await json("/api/v1/status");
      if (!s.store.enrolled) { set("step-restart", "active"); }
      else {
        set("step-restart", "done");
        $("store").textContent = "门店：" + s.store.storeId + " " + (s.store.name || "");
        const online = s.link && s.link.state === "online";
        set("step-link", online ? "done" : "active");
        const c = s.catalog;
        if (c.applied > 0) {
          set("step-catalog", "done");
          $("catalog-text").textContent = "（版本 " + c.applied + "）";
          $("catalog-bar").hidden = true;
          set("step-lanes", "done");
          $("hint").textContent = "设置完成。";
          $("go").hidden = false;
          return;
        }
        if (online) set("step-catalog", "active");
        if (c.collecting) {
          $("catalog-bar").hidden = false;
          $("catalog-bar").max = c.collecting.pages;
          $("catalog-bar").value = c.collecting.have;
          $("catalog-text").textContent = "（第 " + c.collecting.have + "/" + c.collecting.pages + " 页）";
        }
      }
    } catch {
      // the edge is restarting into its store
      set("step-restart", "active");
    }
    await new Promise((r) => setTimeout(r, 700));
  }
}
$("enroll").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  $("error").textContent = "";
  $("submit").disabled = true;
  try {
    const r = await json("/api/v1/setup/enroll", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ hq: $("hq").value, code: $("code").value }),
    });
    showProgress(r);
  } catch (e) {
    const why = e.body && e.body.field === "hq" ? "无法连接总部：" : e.body && e.body.field === "code" ? "注册码无效：" : "注册失败：";
    $("error").textContent = why + e.message;
    $("submit").disabled = false;
  }
});
// A scanner ends the code with Enter: the form submits itself.
json("/api/v1/setup").then((s) => {
  if (s.enrolled) showProgress(s);
  else {
    if (s.hq) $("hq").value = s.hq;
    $("enroll").hidden = false;
    $("enroll").setAttribute("data-loaded", "true");
    ($("hq").value ? $("code") : $("hq")).focus();
  }
});
</script>
</body>
</html>
`;
