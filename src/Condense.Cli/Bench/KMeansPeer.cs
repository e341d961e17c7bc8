using Condense.Workflows.Bench;

namespace Condense.Cli.Bench;

/// <summary><c>bench kmeans</c> as the command and <c>bench all</c> both run it: scikit-learn live when asked (../shared/peers/kmeans1d.py), then the library's measurement.</summary>
public static class KMeansPeer
{
    /// <summary>Runs the peer if <see cref="KMeansBenchRequest.Peers"/>, then <see cref="KMeansBench.Run"/>.</summary>
    public static KMeansBenchReport Measure(KMeansBenchRequest request) =>
        KMeansBench.Run(request, request.Peers ? Run(request.N, request.Bits) : null);

    static KMeansPeerReport Run(int n, IReadOnlyList<int> bits)
    {
        var script = PythonPeer.Find("../shared/peers/kmeans1d.py", "/work/shared/peers/kmeans1d.py")
            ?? throw new CondenseException("bench kmeans: --peers needs /usr/bin/python3 and ../shared/peers/kmeans1d.py");
        return PythonPeer.Run<KMeansPeerReport>("bench kmeans", script, ["--n", n.ToString(), "--bits", .. bits.Select(b => b.ToString()), "--exact-max-bits", "0"]);
    }
}
