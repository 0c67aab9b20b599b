// Customer display contract: simulator always; a real display when DISPLAY_DEVICE is set (then
// the lines are shown and a person reads them).
import { afterEach, describe, expect, test } from "bun:test";
import { waitFor } from "../link.ts";
import { openTty } from "../serial/tty.ts";
import { CustomerDisplay, itemAndTotal } from "./display.ts";
import { DisplaySimulator } from "./simulator.ts";

export function displayContract(name: string, device: string | undefined, enabled = true): void {
  const simulated = !device;
  const live: { d?: CustomerDisplay; sim?: DisplaySimulator } = {};
  const open = async () => {
    const sim = simulated ? await DisplaySimulator.start() : undefined;
    const d = new CustomerDisplay(`${name}-display`);
    d.attach(await openTty(sim?.path ?? device!, { baud: 9600 }));
    await waitFor(() => d.health.state === "ready", "display ready");
    Object.assign(live, { d, sim });
    return { d, sim: sim! };
  };
  describe.skipIf(!enabled)(`display contract: ${name}`, () => {
    afterEach(async () => {
      await live.d?.close();
      await live.sim?.close();
    });
    test("shows the current line and the amount due (hardware too)", async () => {
      const { d, sim } = await open();
      await d.show(...itemAndTotal({ name: "红富士苹果", amountFen: 584 }, 2516));
      if (!simulated) return;
      await waitFor(() => sim.screen.text()[1].includes("25.16"), "amount due shown");
      expect(sim.screen.text()).toEqual(["红富士苹果    ￥5.84", "合计 TOTAL   ￥25.16"]);
    });
    test.skipIf(!simulated)(
      "every update overwrites both lines completely; the simulator records each screen",
      async () => {
        const { d, sim } = await open();
        await d.show(...itemAndTotal({ name: "Coca-Cola 330ml x6 long name", amountFen: 1590 }, 1590));
        await d.show(...itemAndTotal({ name: "水", amountFen: 200 }, 1790));
        await waitFor(() => sim.shown.some((s) => s[1].includes("17.90")), "second screen");
        expect(sim.screen.text()).toEqual(["水            ￥2.00", "合计 TOTAL   ￥17.90"]);
        expect(sim.shown.map((s) => s[0])).toContain("Coca-Cola 33 ￥15.90");
        for (const [a, b] of sim.shown) expect([a.length <= 20, b.length <= 20]).toEqual([true, true]);
      },
    );
    test.skipIf(!simulated)("unplugged: health becomes error", async () => {
      const { d, sim } = await open();
      await d.show("A", "B");
      await sim.unplug();
      await waitFor(() => d.health.state === "error", "error");
    });
  });
}
