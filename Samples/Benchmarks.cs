using System;

namespace NetDsl.Samples;

/// <summary>Benchmarks (`dotnet run --project Samples -c Release -- bench`); results go to docs/benchmarks.md.</summary>
public static partial class Benchmarks
{
    public static int Run(string[] args)
    {
        Console.Error.WriteLine("bench: not built yet");
        return 2;
    }
}
