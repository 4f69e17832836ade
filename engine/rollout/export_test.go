package rollout

// StageBlob is stageBlob, for BenchmarkStageBlob.
var StageBlob = stageBlob
