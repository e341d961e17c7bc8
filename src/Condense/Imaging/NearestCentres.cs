using System.Numerics;
using System.Runtime.InteropServices;

namespace Condense.Imaging;

/// <summary>The full nearest-centre search, vectorised over centres (a <see cref="CentreTable"/>'s lanes).</summary>
internal static class NearestCentres
{
    /// <summary>Index of the nearest centre (ties to the lower index) and the two smallest metric distances.</summary>
    public static int Nearest2<TMetric>(float px, float py, float pz, float[] cx, float[] cy, float[] cz, int padded, out float best, out float second)
        where TMetric : struct, IColorMetric
    {
        var width = Vector<float>.Count;
        var vx = new Vector<float>(px);
        var vy = new Vector<float>(py);
        var vz = new Vector<float>(pz);
        var b1 = new Vector<float>(float.PositiveInfinity);
        var b2 = b1;
        var i1 = Vector<int>.Zero;
        var idx = Vector<int>.Indices;
        var step = new Vector<int>(width);
        ref var rx = ref MemoryMarshal.GetArrayDataReference(cx);
        ref var ry = ref MemoryMarshal.GetArrayDataReference(cy);
        ref var rz = ref MemoryMarshal.GetArrayDataReference(cz);
        for (var j = 0; j < padded; j += width)
        {
            var d = TMetric.Distance(
                Vector.LoadUnsafe(ref rx, (nuint)j) - vx,
                Vector.LoadUnsafe(ref ry, (nuint)j) - vy,
                Vector.LoadUnsafe(ref rz, (nuint)j) - vz);
            var lt = Vector.LessThan(d, b1);
            b2 = Vector.ConditionalSelect(lt, b1, Vector.Min(b2, d));
            b1 = Vector.ConditionalSelect(lt, d, b1);
            i1 = Vector.ConditionalSelect(lt, idx, i1);
            idx += step;
        }
        // Across lanes: the best lane wins (ties to the lower centre index); the runner-up is
        // the smallest of the other lanes' bests and every lane's second.
        var bestLane = 0;
        for (var l = 1; l < width; l++)
        {
            if (b1[l] < b1[bestLane] || (b1[l] == b1[bestLane] && i1[l] < i1[bestLane]))
            {
                bestLane = l;
            }
        }
        var s = b2[bestLane];
        for (var l = 0; l < width; l++)
        {
            if (l != bestLane)
            {
                s = MathF.Min(s, MathF.Min(b1[l], b2[l]));
            }
        }
        best = TMetric.Finish(b1[bestLane]);
        second = TMetric.Finish(s);
        return i1[bestLane];
    }

    /// <summary>The search over a table's lanes.</summary>
    public static int Nearest2<TMetric>(float px, float py, float pz, CentreTable table, out float best, out float second)
        where TMetric : struct, IColorMetric =>
        Nearest2<TMetric>(px, py, pz, table.X, table.Y, table.Z, table.Padded, out best, out second);
}
