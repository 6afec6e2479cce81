// The console's browser tests (console_suite.mjs) in Chromium.
import { consoleSuite, ENGINES } from './console_suite.mjs';

consoleSuite(ENGINES.chromium);
