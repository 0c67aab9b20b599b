// The home page is the dashboard (issue 19); the fleet view is at /fleet. A redirect rather than
// the page itself, so the dashboard has one address (/dashboard) for bookmarks and the navigation.
import { redirect } from "@sveltejs/kit";

export function load(): never {
  redirect(307, "/dashboard");
}
