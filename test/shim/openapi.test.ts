import { expect } from 'chai';
import { scheduledEcsJobSpec } from '../../src/api/spec.js';
import { openApiDocument } from '../../src/shim/openapi.js';

type Node = Record<string, unknown>;

function walk(value: unknown, visit: (node: Node, path: string) => void, path = '#'): void {
  if (Array.isArray(value)) value.forEach((item, i) => walk(item, visit, `${path}/${i}`));
  else if (value !== null && typeof value === 'object') {
    visit(value as Node, path);
    for (const [key, child] of Object.entries(value)) walk(child, visit, `${path}/${key}`);
  }
}

function resolve(doc: unknown, ref: string): unknown {
  return ref
    .slice(2)
    .split('/')
    .reduce<unknown>((node, key) => (node as Node | undefined)?.[key], doc);
}

describe('shim: GET /spec (OpenAPI)', () => {
  const doc = openApiDocument('1.2.3') as Node;

  it('is OpenAPI 3.0 with info, paths and components', () => {
    expect(doc.openapi).to.equal('3.0.3');
    expect(doc.info).to.include({ version: '1.2.3' });
    expect(doc.paths).to.be.an('object');
  });

  it('has every $ref resolve inside the document', () => {
    const refs: string[] = [];
    walk(doc, (node) => {
      if (typeof node.$ref === 'string') refs.push(node.$ref);
    });
    expect(refs.length).to.be.greaterThan(10);
    for (const ref of refs) expect(resolve(doc, ref), ref).to.be.an('object');
  });

  it('gives every operation an id, responses keyed by status, and declares path parameters', () => {
    const ids = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths as Record<string, Node>)) {
      const declared = new Set(((item.parameters as Node[] | undefined) ?? []).map((p) => p.name));
      for (const name of path.matchAll(/\{(\w+)\}/g)) expect(declared.has(name[1]), `${path} declares ${name[1]}`).to.equal(true);
      for (const [method, operation] of Object.entries(item)) {
        if (method === 'parameters') continue;
        expect(['get', 'put', 'post', 'delete']).to.include(method);
        const op = operation as Node;
        expect(ids.has(op.operationId as string)).to.equal(false);
        ids.add(op.operationId as string);
        for (const [status, response] of Object.entries(op.responses as Node)) {
          expect(status).to.match(/^[1-5]\d\d$/);
          expect((response as Node).description).to.be.a('string');
        }
      }
    }
    expect([...ids].sort()).to.deep.equal(['createJob', 'deleteJob', 'getJob', 'home', 'listJobs', 'runJob', 'spec', 'updateJob']);
  });

  it('describes the job body with every spec field, from the zod schema', () => {
    const schemas = (doc.components as Node).schemas as Record<string, Node>;
    const create = schemas.JobCreate as { properties: Node; required: string[] };
    expect(Object.keys(create.properties).sort()).to.deep.equal(['id', ...Object.keys(scheduledEcsJobSpec.shape)].sort());
    expect(create.required).to.deep.equal(['taskDefinition', 'schedule']);
    expect(JSON.stringify(doc)).not.to.include('x-kubernetes');
  });
});
