// TorchSharp's random generator (dropout, initialisation) is process-wide: tests that train
// must not run beside each other, or the same seed would not give the same bytes.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
