import {createRequire} from 'node:module'

/**
 * `require` for the lean launcher: oclif is CommonJS, so its error handler loads synchronously, and
 * only on the rare path that needs it (a hook's error, a hook calling error/exit/warn); and CommonJS
 * hook files load as oclif loads them.
 */
export const leanRequire = createRequire(import.meta.url)
