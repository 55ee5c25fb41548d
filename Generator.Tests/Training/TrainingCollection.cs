using Xunit;

namespace NetDsl.Generator.Tests.Training;

/// <summary>
/// The training tests run alone, after the parallel ones: a seeded run reads LibTorch's global random generator
/// (<c>torch.manual_seed</c>, then the initialisation and each epoch's draws), and another test drawing from it in between
/// would change the numbers a bit-exact resume test compares.
/// </summary>
[CollectionDefinition("Training", DisableParallelization = true)]
public sealed class TrainingCollection
{
}
