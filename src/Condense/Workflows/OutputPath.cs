namespace Condense.Workflows;

/// <summary>The check every workflow that writes a model makes first: inputs are never modified, so an output path naming the input is refused.</summary>
public static class OutputPath
{
    /// <summary>Throws a one-line <see cref="CondenseException"/> when <paramref name="output"/> is <paramref name="input"/>.</summary>
    public static void RefuseOverwrite(string input, string output)
    {
        if (string.Equals(Path.GetFullPath(input), Path.GetFullPath(output), StringComparison.Ordinal))
            throw new CondenseException($"{output}: the output would overwrite the input");
    }
}
