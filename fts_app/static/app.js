// Enhances the NHS.UK components; every page also works in full without it.
import { initAll } from "./nhsuk-frontend/nhsuk-frontend.min.js";

initAll();
