// Downloads a file the hub writes (a report as CSV or XLSX): fetched with the session's token
// (a plain link cannot carry it), handed to the browser as a download under the hub's name.
import { errorFrom } from "./errors.ts";
import { session } from "./session.svelte.ts";

export async function downloadFile(path: string): Promise<string> {
  const res = await fetch(`/api/v1${path}`, {
    headers: session.token ? { authorization: `Bearer ${session.token}` } : {},
  });
  if (!res.ok) throw errorFrom(res.status, await res.text());
  const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? "report";
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
