// Starts GOV.UK Frontend's components (skip link focus, error summary, and so on).
// Loaded as a module, so older browsers that cannot run it get the plain HTML pages.
import { initAll } from "../build/govuk-frontend.min.js";
import { initTimeoutWarning } from "./timeout-warning.mjs";

initAll();
initTimeoutWarning();
