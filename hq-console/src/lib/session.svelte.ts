// The signed-in token, kept in sessionStorage (gone when the tab closes, never in a cookie the
// hub would have to guard against CSRF). `message` is what the sign-in screen says after a 401.
const KEY = "hq-console-token";

function stored(): string {
  try {
    return sessionStorage.getItem(KEY) ?? "";
  } catch {
    return "";
  }
}

class Session {
  token = $state(stored());
  message = $state("");
  /** Learned from the hub's 403 "read-only": write actions are hidden from then on. */
  readOnly = $state(false);
  /** The role GET /me named ("" until it answers): admin-only actions show for hq_admin. */
  role = $state("");

  signIn(token: string): void {
    this.token = token;
    this.message = "";
    this.readOnly = false;
    this.role = "";
    sessionStorage.setItem(KEY, token);
  }

  signOut(message = ""): void {
    this.token = "";
    this.message = message;
    this.readOnly = false;
    this.role = "";
    sessionStorage.removeItem(KEY);
  }

  expire(): void {
    this.signOut("expired");
  }
}

export const session = new Session();
