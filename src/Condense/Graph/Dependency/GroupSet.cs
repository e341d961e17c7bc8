namespace Condense.Graph.Dependency;

/// <summary>Union–find over channel groups, with what each group touches; merged on <see cref="Tie"/>.</summary>
internal sealed class GroupSet
{
    readonly List<int> parent = [];
    readonly List<int> width = [];
    readonly List<List<string>> producers = [];
    readonly List<List<string>> consumers = [];
    readonly List<List<ChannelSlice>> slices = [];
    readonly List<List<string>> blocked = [];

    public int New(int channels, string producer)
    {
        var id = parent.Count;
        parent.Add(id);
        width.Add(channels);
        producers.Add([producer]);
        consumers.Add([]);
        slices.Add([]);
        blocked.Add([]);
        return id;
    }

    public int Find(int g)
    {
        while (parent[g] != g) g = parent[g] = parent[parent[g]];
        return g;
    }

    public void Tie(int a, int b)
    {
        a = Find(a);
        b = Find(b);
        if (a == b) return;
        if (b < a) (a, b) = (b, a);
        parent[b] = a;
        producers[a].AddRange(producers[b]);
        consumers[a].AddRange(consumers[b]);
        slices[a].AddRange(slices[b]);
        blocked[a].AddRange(blocked[b]);
        if (width[a] != width[b]) blocked[a].Add($"tied groups of {width[a]} and {width[b]} channels");
    }

    public void Slice(int g, ChannelSlice slice)
    {
        g = Find(g);
        slices[g].Add(slice);
        if (slice.Role == SliceRole.ConsumerInput && !consumers[g].Contains(slice.Node)) consumers[g].Add(slice.Node);
    }

    public void Block(int g, string reason)
    {
        g = Find(g);
        if (!blocked[g].Contains(reason)) blocked[g].Add(reason);
    }

    public DependencyGraph ToGraph()
    {
        var groups = new List<ChannelGroup>();
        for (int g = 0; g < parent.Count; g++)
        {
            if (Find(g) != g) continue;
            groups.Add(new ChannelGroup(groups.Count, width[g], producers[g].Distinct().ToList(), consumers[g],
                slices[g].Distinct().ToList(), blocked[g]));
        }
        return new DependencyGraph(groups);
    }
}
