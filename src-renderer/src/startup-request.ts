import { getApi } from './api.ts'

/**
 * The first window's one start-up call (app.getStartupState), sent as soon as the bundle starts
 * to run: main.ts imports this module first, so the answer travels while Vue, vue-i18n and the
 * router are still being set up. The session store's initialize() consumes it.
 */
export const startupStateRequest = getApi().app.getStartupState()
