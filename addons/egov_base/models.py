"""All egov_base models. Each area keeps its models in its own package; they are imported here so Django
finds them under the ``egov_base`` label."""

from .api.models import *  # noqa: F401,F403,E402

# Areas (each owns its own models module):
from .audit.models import *  # noqa: F401,F403,E402
from .auth.models import *  # noqa: F401,F403,E402
from .content.models import *  # noqa: F401,F403,E402
from .dictionary.models import *  # noqa: F401,F403,E402
from .files.models import *  # noqa: F401,F403,E402
from .generic.models import *  # noqa: F401,F403,E402
from .inbox.models import *  # noqa: F401,F403,E402
from .integration.models import *  # noqa: F401,F403,E402
from .notify.models import *  # noqa: F401,F403,E402
from .org.models import *  # noqa: F401,F403
from .org.models import Organization, OrganizationContact, Region, Role, User  # noqa: F401
from .reports.models import *  # noqa: F401,F403,E402
from .search.models import *  # noqa: F401,F403,E402
from .workflow.models import *  # noqa: F401,F403,E402
