using System.Collections.Generic;

namespace NetDsl
{
    /// <summary>
    /// Every generated network and block implements this: its stages in forward order, each with its compile-time
    /// shape and its module, so a caller can run a network stage by stage or inspect intermediate outputs.
    /// </summary>
    public interface IStagedModule
    {
        IReadOnlyList<Stage> Stages { get; }
    }
}
