// The home page: the fleet view moved to /fleet (issue 19); until the dashboard takes "/",
// the home page sends there, so old bookmarks and the sign-in page still land on the fleet.
import { redirect } from "@sveltejs/kit";

export function load(): never {
  redirect(307, "/fleet");
}
