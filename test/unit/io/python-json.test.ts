import {expect} from 'chai'

import {pythonJsonDocument, pythonJsonLine} from '../../../src/core/io/python-json.js'

describe('python-json', () => {
  it('writes event lines with sorted keys and Python separators', () => {
    expect(pythonJsonLine({b: 1, a: [1, 2], c: {z: null, y: true}})).to.equal('{"a": [1, 2], "b": 1, "c": {"y": true, "z": null}}')
  })

  it('escapes non-ASCII in event lines like ensure_ascii=True, astral characters as surrogate pairs', () => {
    expect(pythonJsonLine({n: 'café 😀'})).to.equal(String.raw`{"n": "caf\u00e9 \ud83d\ude00"}`)
    expect(pythonJsonLine({n: 'a\nb"\u0001'})).to.equal(String.raw`{"n": "a\nb\"\u0001"}`)
  })

  it('writes documents with indent 2, raw non-ASCII and a trailing newline', () => {
    expect(pythonJsonDocument({
      b: [], a: {}, c: ['é'], d: {x: 1},
    })).to.equal('{\n  "a": {},\n  "b": [],\n  "c": [\n    "é"\n  ],\n  "d": {\n    "x": 1\n  }\n}\n')
  })
})
