// Apache ECharts with only the parts the console draws (bar, line, pie; grid, tooltip, legend,
// aria; canvas). Imported lazily by EChart.svelte, so ECharts (about half of the console's
// JavaScript) is fetched and parsed only by the screens that draw a chart, while their API calls
// are already in flight, and never by the other screens' first load.
import { BarChart, LineChart, PieChart } from "echarts/charts";
import { AriaComponent, GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { init, use } from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";

use([
  BarChart,
  LineChart,
  PieChart,
  AriaComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  CanvasRenderer,
]);

export { init };
