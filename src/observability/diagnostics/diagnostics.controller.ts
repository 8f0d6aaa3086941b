import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../../common/auth/auth.decorators';
import { ApiErrors } from '../../common/http/api-errors.decorator';
import { DiagnosticsService } from './diagnostics.service';
import { DiagnosticsDto } from './dto/diagnostics.dto';

/** Exists only with DIAGNOSTICS_ENABLED=true; otherwise the path answers 404 NOT_FOUND. */
@ApiTags('admin')
@Authenticated('admin')
@ApiErrors([403, 'FORBIDDEN (not an administrator)'])
@Controller('api/admin')
export class DiagnosticsController {
  constructor(private readonly diagnostics: DiagnosticsService) {}

  @Get('diagnostics')
  @ApiOkResponse({ type: DiagnosticsDto, description: 'pool and queue state, a blob-store round trip, versions, the configuration without secrets' })
  diagnose(): Promise<DiagnosticsDto> {
    return this.diagnostics.report();
  }
}
