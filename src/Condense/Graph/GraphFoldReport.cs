namespace Condense.Graph;

/// <summary>What <see cref="GraphFolding.Fold"/> changed, node by node counted, and what it left and why.</summary>
/// <param name="NodesBefore">Nodes of the main graph before.</param>
/// <param name="NodesAfter">Nodes of the main graph after.</param>
/// <param name="BatchNormsFolded">BatchNormalization nodes merged into the Conv or Gemm before them.</param>
/// <param name="IdentitiesRemoved">Identity (and inference-mode Dropout) nodes bypassed.</param>
/// <param name="DeadNodesRemoved">Nodes none of whose outputs reach a graph output.</param>
/// <param name="InitializersRemoved">Initializers nothing reads any more.</param>
/// <param name="InitializerInputsRemoved">IR-3 graph inputs that only named an initializer (kept as inputs, the runtime may not constant-fold them).</param>
/// <param name="Left">Nodes a rule matched but could not change, each "node (op): reason".</param>
public sealed record GraphFoldReport(
    int NodesBefore,
    int NodesAfter,
    int BatchNormsFolded,
    int IdentitiesRemoved,
    int DeadNodesRemoved,
    int InitializersRemoved,
    int InitializerInputsRemoved,
    IReadOnlyList<string> Left);
