using Condense.Models;

namespace Condense.Workflows;

/// <summary>
/// How a caller watches a training run it did not start itself (<see cref="TrainedModelCache"/>): it is
/// handed <paramref name="train"/>, which trains with the hooks it is given, and returns its result. The
/// caller may open a live progress display around the call and pass hooks that move it, or only pass
/// hooks that update a status line. Called only when training happens, never when a cached model is loaded.
/// </summary>
/// <param name="source">Why it trains: <see cref="TrainedModelSource.Missing"/>, <see cref="TrainedModelSource.Retrained"/>, <see cref="TrainedModelSource.Stale"/> or <see cref="TrainedModelSource.Unreadable"/> (never <see cref="TrainedModelSource.Loaded"/>).</param>
/// <param name="reason">The same in one line (<see cref="TrainedModelResult{TModel}.Reason"/>), e.g. for a warning that the cached file was unusable.</param>
/// <param name="train">Trains the model (seeded, on the request's data) with the given progress hooks; call it exactly once.</param>
public delegate TrainingResult TrainingRun(TrainedModelSource source, string reason, Func<TrainingHooks, TrainingResult> train);
