namespace NetDsl.Generator.Model
{
    /// <summary>A generated file: hint name and text (null when errors prevent generation).</summary>
    public sealed record GeneratedSource(string HintName, string? Text);

    /// <summary>The output of one declaration: its source and its diagnostics, kept apart so that diagnostics
    /// moving with an edit do not re-emit the source.</summary>
    public sealed record GenerationResult(GeneratedSource Source, EquatableArray<DiagnosticInfo> Diagnostics);
}
