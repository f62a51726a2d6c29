/**
 * Tests that call plugin-sync's modules directly (no CLI process) give it what the core's init hook
 * gives it in the CLI: the core's runtime. Import this module for its effect.
 */
import {bindRuntime} from '../../plugins/plugin-sync/src/runtime.js'
import {API_VERSION} from '../../src/api/index.js'
import {createRuntime} from '../../src/core/plugin-runtime.js'

await bindRuntime({options: {specKitty: {apiVersion: API_VERSION, load: async () => createRuntime()}}})
