// Tests read a PDF back with a real reader (Mozilla's pdf.js) rather than grepping its bytes:
// each page as lines of text the way a reader shows them (CJK glyphs mapped back through the
// font's ToUnicode table; pieces on one baseline joined left to right with one space), so a
// test proves a supplier's reader shows the lines.
export async function pdfPages(bytes: Uint8Array): Promise<string[][]> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), verbosity: 0 }).promise;
  const pages: string[][] = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const content = await (await doc.getPage(n)).getTextContent();
    const rows = new Map<number, { x: number; s: string }[]>();
    for (const i of content.items) {
      if (!("str" in i) || i.str.trim() === "") continue;
      const y = Math.round(i.transform[5] as number);
      const row = rows.get(y) ?? [];
      row.push({ x: i.transform[4] as number, s: i.str });
      rows.set(y, row);
    }
    pages.push(
      [...rows.entries()]
        .sort(([a], [b]) => b - a) // top of the page first
        .map(([, r]) =>
          r
            .sort((a, b) => a.x - b.x)
            .map((p) => p.s)
            .join(" ")
            .replace(/\s+/g, " ")
            .trim(),
        ),
    );
  }
  await doc.destroy();
  return pages;
}
