import { expect } from 'chai';
import { legacyJson } from '../../src/shim/legacy-json.js';

describe('shim: legacyJson', () => {
  it("writes what Python's json.dumps(indent=4, sort_keys=True) wrote, plus a newline", () => {
    const value = { b: 1, a: [1, { z: null, y: true }], c: {}, d: [], e: 'ünï "q" / \\ \n \u2028 😀' };
    // python3 -c 'import json; print(repr(json.dumps(value, indent=4, sort_keys=True) + "\n"))'
    const python =
      '{\n    "a": [\n        1,\n        {\n            "y": true,\n            "z": null\n        }\n    ],\n' +
      '    "b": 1,\n    "c": {},\n    "d": [],\n' +
      '    "e": "\\u00fcn\\u00ef \\"q\\" / \\\\ \\n \\u2028 \\ud83d\\ude00"\n}\n';
    expect(legacyJson(value)).to.equal(python);
  });

  it('leaves out undefined fields and is valid JSON', () => {
    const text = legacyJson({ id: 'x', gone: undefined, list: [undefined] });
    expect(JSON.parse(text)).to.deep.equal({ id: 'x', list: [null] });
  });
});
