// Package node assembles Runbook's components into one process: any
// subset of web, bridge, control, brokers, worker and actioner for any
// number of zones. `runbook up` runs all of them; `runbook worker` (etc.)
// runs one. It holds wiring only; every behaviour lives in the component
// packages.
package node
