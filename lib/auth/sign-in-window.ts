/**
 * The sign-in window of Smartapp's view inside Procore: signs in at the top level, then closes itself; the frame that
 * opened it reloads when it closes.
 */
export const SIGN_IN_WINDOW_PATH = "/procore/sign-in";
