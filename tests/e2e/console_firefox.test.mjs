// The console's browser tests (console_suite.mjs) in Firefox.
import { consoleSuite, ENGINES } from './console_suite.mjs';

consoleSuite(ENGINES.firefox);
