using System.Text.Json;

namespace Condense.Tests.Cli;

/// <summary>
/// The casing rule every command's JSON follows (docs/cli.md): keys are snake_case. A key that is
/// an identifier with a lower-case and an upper-case letter and no separator — <c>meanError</c>,
/// <c>MeanError</c>, <c>Hashes</c> — is a property name that escaped the snake_case policy. Names
/// that are data pass: the keys of the dictionaries in <see cref="DataDictionaries"/> (ONNX
/// operator types, tensor names, file metadata), and names no property has (<c>W</c>, <c>fc1.weight</c>).
/// </summary>
public static class JsonKeys
{
    /// <summary>Keys whose object maps data (operator types, tensor names, metadata keys) to values; its keys are not property names.</summary>
    public static readonly IReadOnlySet<string> DataDictionaries = new HashSet<string>(StringComparer.Ordinal) { "runtime_ops", "tensors", "metadata", "ops", "opsets" };

    /// <summary>Every offending key with its path, e.g. <c>$.rows[0].MeanError</c>; empty when all keys are snake_case.</summary>
    public static IReadOnlyList<string> NotSnakeCase(string json)
    {
        using var document = JsonDocument.Parse(json);
        var offences = new List<string>();
        Walk(document.RootElement, "$", null, offences);
        return offences;
    }

    /// <summary>Whether a key is a property name in camelCase or PascalCase.</summary>
    public static bool IsCamelOrPascal(string key) =>
        key.Length > 1 && key.All(char.IsAsciiLetterOrDigit) && key.Any(char.IsAsciiLetterUpper) && key.Any(char.IsAsciiLetterLower);

    static void Walk(JsonElement element, string path, string? parent, List<string> offences)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (IsCamelOrPascal(property.Name) && !(parent is not null && DataDictionaries.Contains(parent))) offences.Add($"{path}.{property.Name}");
                    Walk(property.Value, $"{path}.{property.Name}", property.Name, offences);
                }
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray()) Walk(item, $"{path}[{i++}]", null, offences);
                break;
        }
    }
}
