// Validate RDF files with shacl-engine, a SHACL engine written in JavaScript (SPARQL-based
// constraints through Comunica, which pre-binds $this by substitution), independent of pySHACL.
//
//   node validate.mjs < jobs.json
//
// jobs.json is a list of jobs, {"shapes": [files], "data": [files]}. Prints a JSON list with one
// report per job, {"conforms": bool, "results": [...]}, each result with its focus node, path,
// value, source shape, constraint component and severity as N-Triples terms (blank nodes as
// "_:"; an inverse path as "^<iri>"); only top-level results (sh:result), not nested details.
// Files are read from disk only (Turtle or N-Triples, by suffix); nothing is fetched. Exit 0
// when every job ran, 2 on an error (message on stderr).
import { readFileSync } from 'node:fs'
import rdfDataModel from '@rdfjs/data-model'
import rdfDataset from '@rdfjs/dataset'
import toNT from '@rdfjs/to-ntriples'
import { Parser } from 'n3'
import Validator from 'shacl-engine/Validator.js'
import { targetResolvers, validations } from 'shacl-engine/sparql.js'

const factory = {
  blankNode: (...args) => rdfDataModel.blankNode(...args),
  defaultGraph: () => rdfDataModel.defaultGraph(),
  literal: (...args) => rdfDataModel.literal(...args),
  namedNode: (...args) => rdfDataModel.namedNode(...args),
  quad: (...args) => rdfDataModel.quad(...args),
  variable: (...args) => rdfDataModel.variable(...args),
  dataset: (...args) => rdfDataset.dataset(...args)
}

function read (files) {
  const dataset = rdfDataset.dataset()
  for (const file of files) {
    const format = file.endsWith('.nt') ? 'N-Triples' : 'Turtle'
    const parser = new Parser({ factory: rdfDataModel, format, baseIRI: `file://${file}` })
    for (const quad of parser.parse(readFileSync(file, 'utf8'))) {
      dataset.add(rdfDataModel.quad(quad.subject, quad.predicate, quad.object))
    }
  }
  return dataset
}

function term (node) {
  if (!node) return null
  return node.termType === 'BlankNode' ? '_:' : toNT(node)
}

function path (steps) {
  if (!steps || steps.length !== 1) return steps ? '(complex)' : null
  const [step] = steps
  if (step.quantifier !== 'one' || step.predicates.length !== 1) return '(complex)'
  const iri = toNT(step.predicates[0])
  return step.start === 'object' ? `^${iri}` : iri
}

async function validate (validator, data) {
  const report = await validator.validate({ dataset: read(data) })
  const results = report.results.map(result => ({
    focus: term(result.focusNode.term),
    path: path(result.path),
    value: result.value ? term(result.value.term) : null,
    shape: term(result.shape.ptr.term),
    component: term(result.constraintComponent),
    severity: term(result.severity)
  }))
  return { conforms: report.conforms, results }
}

async function main () {
  const jobs = JSON.parse(readFileSync(0, 'utf8'))
  const validators = new Map()
  const reports = []
  for (const { shapes, data } of jobs) {
    const key = JSON.stringify(shapes)
    if (!validators.has(key)) {
      validators.set(key, new Validator(read(shapes), { factory, targetResolvers, validations }))
    }
    reports.push(await validate(validators.get(key), data))
  }
  process.stdout.write(JSON.stringify(reports) + '\n')
}

main().catch(error => {
  process.stderr.write(`${error.stack || error}\n`)
  process.exit(2)
})
