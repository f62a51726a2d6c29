import Ajv2020 from 'ajv/dist/2020.js'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {REPO_ROOT} from './sandbox.js'

const Ajv = Ajv2020.default
const ajv = new Ajv({allErrors: true, strict: true})
const compiled = new Map<string, ReturnType<typeof ajv.compile>>()

/** Throw with ajv's errors unless `document` matches `schemas/<name>.schema.json`. */
export function assertSchema(name: string, document: unknown): void {
  let validate = compiled.get(name)
  if (!validate) {
    validate = ajv.compile(JSON.parse(readFileSync(join(REPO_ROOT, 'schemas', `${name}.schema.json`), 'utf8')))
    compiled.set(name, validate)
  }

  if (!validate(document)) throw new Error(`${name}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(document, null, 2)}`)
}
