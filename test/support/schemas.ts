import Ajv2020 from 'ajv/dist/2020.js'
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {REPO_ROOT} from './sandbox.js'

const Ajv = Ajv2020.default
const ajv = new Ajv({allErrors: true, strict: true})
const compiled = new Map<string, ReturnType<typeof ajv.compile>>()
const SCHEMAS = join(REPO_ROOT, 'schemas')
// Every schema is registered under its $id, so that one may $ref another (sync-now → error).
for (const file of readdirSync(SCHEMAS)) ajv.addSchema(JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')))

/** The names of every schema in schemas/ (`error` for schemas/error.schema.json). */
export const schemaNames = (): string[] => readdirSync(SCHEMAS).map(file => file.replace(/\.schema\.json$/, ''))

/** Why `document` does not match `schemas/<name>.schema.json`, or undefined when it does. */
export function schemaErrors(name: string, document: unknown): string | undefined {
  let validate = compiled.get(name)
  if (!validate) {
    const {$id} = JSON.parse(readFileSync(join(SCHEMAS, `${name}.schema.json`), 'utf8')) as {$id: string}
    validate = ajv.getSchema($id)
    if (!validate) throw new Error(`schemas/${name}.schema.json did not compile`)
    compiled.set(name, validate)
  }

  return validate(document) ? undefined : ajv.errorsText(validate.errors)
}

/** Throw with ajv's errors unless `document` matches `schemas/<name>.schema.json`. */
export function assertSchema(name: string, document: unknown): void {
  const errors = schemaErrors(name, document)
  if (errors !== undefined) throw new Error(`${name}: ${errors}\n${JSON.stringify(document, null, 2)}`)
}
